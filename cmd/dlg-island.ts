/** dlg-island: the Data Island manager, routing Drops to its node managers by `node`. */
import { main as composite } from "../core/cli/composite.ts";

export function main(args = Deno.args): Promise<void> {
  return composite(args, { attr: "node", name: "dlg-island", port: 8001, childPort: 8000 });
}

if (import.meta.main) main();
