/** dlg-master: the Master manager, routing Drops to its island managers by `island`. */
import { main as composite } from "../core/cli/composite.ts";

export function main(args = Deno.args): Promise<void> {
  return composite(args, { attr: "island", name: "dlg-master", port: 8002, childPort: 8001 });
}

if (import.meta.main) main();
