/** Test helper: a NodeManager in a fresh directory (one thread, no DLM unless asked), always stopped. */
import { NodeManager, type NodeManagerOptions } from "../manager/mod.ts";

export async function withNode(
  fn: (nm: NodeManager) => Promise<void>,
  opts: Partial<NodeManagerOptions> = {},
): Promise<void> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-session-" });
  const nm = new NodeManager({ workDir, maxThreads: 1, dlmCheckPeriod: 0, ...opts });
  try {
    await fn(nm);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}
