/**
 * A real cluster for the `*.cluster.json` fixtures: master -> 2 islands -> 2 nodes each, all
 * separate processes on port 0 (cmd/dlg-node.ts, cmd/dlg-island.ts, cmd/dlg-master.ts with `-N`
 * children as `host:port`), always stopped afterwards.
 */
import { type Proc, startNode, startProc } from "../_util/procs.ts";
import { type Call, fetchCall } from "./_run.ts";

export interface Cluster {
  /** Calls to the master. */
  call: Call;
  master: Proc;
  /** Each island's `host:port` and its nodes' `host:port`, for `rewriteCluster`. */
  islands: { island: string; nodes: string[] }[];
  /** Every process's output, for failure messages. */
  output(): string;
}

const ROOT = new URL("../../", import.meta.url);

/** True when the composite tiers this harness needs are in the tree. */
export function haveCompositeTiers(): boolean {
  return ["cmd/dlg-island.ts", "cmd/dlg-master.ts"].every((f) => {
    try {
      return Deno.statSync(new URL(f, ROOT)).isFile;
    } catch {
      return false;
    }
  });
}

/** Start the cluster, run `fn`, stop every process whatever happens. */
export async function withCluster(fn: (c: Cluster) => Promise<void>): Promise<void> {
  const procs: Proc[] = [];
  try {
    const nodes = await Promise.all([0, 1, 2, 3].map(() => startNode(["--dlm-check-period", "1"])));
    procs.push(...nodes);
    const islands = await Promise.all([0, 1].map((i) =>
      startProc("cmd/dlg-island.ts", [
        "-N",
        `${nodes[2 * i]!.hostPort},${nodes[2 * i + 1]!.hostPort}`,
      ])
    ));
    procs.push(...islands);
    const master = await startProc("cmd/dlg-master.ts", [
      "-N",
      islands.map((i) => i.hostPort).join(","),
    ]);
    procs.push(master);
    await fn({
      call: fetchCall(master.url),
      master,
      islands: islands.map((isl, i) => ({
        island: isl.hostPort,
        nodes: [nodes[2 * i]!.hostPort, nodes[2 * i + 1]!.hostPort],
      })),
      output: () => procs.map((p) => p.output()).join("\n"),
    });
  } finally {
    await Promise.all(procs.reverse().map((p) => p.stop()));
  }
}
