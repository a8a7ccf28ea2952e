/**
 * A real cluster for the `*.cluster.json` fixtures: master -> 2 islands -> 2 nodes each, all
 * separate processes on port 0 (tests/_util/cluster.ts), always stopped afterwards.
 */
import type { Proc } from "../_util/procs.ts";
import { startCluster } from "../_util/cluster.ts";
import { type Call, fetchCall } from "./_run.ts";

export interface TranslatorCluster {
  /** Calls to the master. */
  call: Call;
  master: Proc;
  /** Each island's `host:port` and its nodes' `host:port`, for `rewriteCluster`. */
  islands: { island: string; nodes: string[] }[];
}

/** Start the cluster (memory Drops expiring every second), run `fn`, stop every process. */
export async function withCluster(fn: (c: TranslatorCluster) => Promise<void>): Promise<void> {
  const c = await startCluster([2, 2], [
    "--dlm-check-period",
    "1",
    "--python",
    "/usr/bin/python3",
    "--py-workers",
    "1",
  ]);
  try {
    await fn({
      call: fetchCall(c.master.url),
      master: c.master,
      islands: c.islands.map((isl, i) => ({
        island: isl.hostPort,
        nodes: c.nodes[i]!.map((n) => n.hostPort),
      })),
    });
  } finally {
    await c.stop();
  }
}
