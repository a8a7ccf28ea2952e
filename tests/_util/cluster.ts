/** A real hierarchy for tests: a master over islands over node managers, all on port 0. */
import { type Proc, startNode, startProc } from "./procs.ts";

export interface Cluster {
  master: Proc;
  islands: Proc[];
  /** nodes[i] are island i's nodes. */
  nodes: (Proc & { workDir: string })[][];
  stop(): Promise<void>;
}

/** Health-check timings for fault tests: checks every second, a child down after 3 s of silence. */
export const FAST_HEALTH = ["--check-period", "1", "--child-timeout", "3"];

/**
 * The default for other tests: checks every second, a child down after the product's 10 s, so a
 * child slowed by a loaded machine (a 10k-Drop ingest on 2 busy cores) is not taken for dead.
 */
export const TEST_HEALTH = ["--check-period", "1", "--child-timeout", "10"];

/**
 * Start `shape[i]` nodes under island i, and a master over the islands. `tierArgs` go to the
 * islands and the master, `denoArgs` (e.g. `--v8-flags=...`) to every tier's `deno run`.
 */
export async function startCluster(
  shape: number[],
  nodeArgs: string[] = [],
  o: { health?: string[]; tierArgs?: string[]; denoArgs?: string[] } = {},
): Promise<Cluster> {
  const health = [...(o.health ?? TEST_HEALTH), ...(o.tierArgs ?? [])];
  const deno = { denoArgs: o.denoArgs };
  const started: Proc[] = [];
  try {
    const nodes: (Proc & { workDir: string })[][] = [];
    for (const n of shape) {
      const list = await Promise.all(
        Array.from({ length: n }, () => startNode(nodeArgs, o.denoArgs)),
      );
      started.push(...list);
      nodes.push(list);
    }
    const islands = await Promise.all(
      nodes.map((list) =>
        startProc(
          "cmd/dlg-island.ts",
          ["-N", list.map((p) => p.hostPort).join(","), ...health],
          deno,
        )
      ),
    );
    started.push(...islands);
    const master = await startProc("cmd/dlg-master.ts", [
      "-N",
      islands.map((p) => p.hostPort).join(","),
      ...health,
    ], deno);
    started.push(master);
    return {
      master,
      islands,
      nodes,
      async stop() {
        await Promise.all(started.map((p) => p.stop()));
      },
    };
  } catch (e) {
    await Promise.all(started.map((p) => p.stop()));
    throw e;
  }
}

/**
 * Point a translator `*.cluster.json` graph (symbolic `island` i1.., `node` n1..) at a cluster
 * started with `shapeOf(graph)`: the k-th island's nodes, in name order, become its n's.
 */
export function shapeOf(graph: Record<string, unknown>[]): { islands: string[]; pairs: string[] } {
  const pairs = [...new Set(graph.filter((d) => d.oid).map((d) => `${d.island}|${d.node}`))];
  pairs.sort();
  return { islands: [...new Set(pairs.map((p) => p.split("|")[0]!))], pairs };
}

export function placeOn(graph: Record<string, unknown>[], c: Cluster): Record<string, unknown>[] {
  const { islands, pairs } = shapeOf(graph);
  const map: Record<string, string> = {};
  islands.forEach((i, k) => {
    map[i] = c.islands[k]!.hostPort;
    pairs.filter((p) => p.startsWith(`${i}|`)).forEach((p, j) => {
      map[p.split("|")[1]!] = c.nodes[k]![j]!.hostPort;
    });
  });
  return graph.map((d) =>
    d.oid ? { ...d, node: map[d.node as string], island: map[d.island as string] } : d
  );
}
