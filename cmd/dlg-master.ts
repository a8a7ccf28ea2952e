/** dlg-master: the Master manager, routing Drops to its island managers by `island`. */
import { type CompositeEntry, main as run, printUsage as usage } from "../core/cli/composite.ts";

const ENTRY: CompositeEntry = { attr: "island", name: "dlg-master", port: 8002, childPort: 8001 };

export function printUsage(): void {
  usage(ENTRY);
}

export function main(args = Deno.args): Promise<void> {
  return run(args, ENTRY);
}

if (import.meta.main) main();
