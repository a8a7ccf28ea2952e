/** dlg-island: the Data Island manager, routing Drops to its node managers by `node`. */
import { type CompositeEntry, main as run, printUsage as usage } from "../core/cli/composite.ts";

const ENTRY: CompositeEntry = { attr: "node", name: "dlg-island", port: 8001, childPort: 8000 };

export function printUsage(): void {
  usage(ENTRY);
}

export function main(args = Deno.args): Promise<void> {
  return run(args, ENTRY);
}

if (import.meta.main) main();
