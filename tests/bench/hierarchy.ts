/**
 * DESIGN §4 hierarchy scenario: master -> 2 islands -> 4 nodes (real processes), 100k Drops
 * (memory data + no-op apps in chains), 10% of the edges crossing nodes, sent in `dlg submit`'s
 * parts (its default size, two in flight) after a warm-up graph (10k Drops per node, as the one-node
 * row warms its node); append -> deploy -> every node
 * FINISHED, timed end to end at the master.
 */
import { MasterManagerClient, splitGraph } from "../../core/client/mod.ts";
import { startCluster } from "../_util/cluster.ts";
import { atLeast, type Row } from "./_report.ts";
import { clusterTiers, PeakTracker } from "./_tiers.ts";

const CHAIN = 10;

/** Edges, cross-node edges and root OIDs of a graph from `hierarchyDrops`, counted as it goes. */
export interface GraphStats {
  edges: number;
  crossing: number;
  roots: string[];
}

/**
 * Chains `d a d a ...` of CHAIN Drops, `node`/`island` set; after each edge, with p = `cross`,
 * the rest of the chain moves to the next node. Generated lazily (a 10M graph is never held).
 */
export function* hierarchyDrops(
  total: number,
  nodes: string[],
  islandOf: string[],
  stats: GraphStats = { edges: 0, crossing: 0, roots: [] },
  cross = 0.1,
): Generator<Record<string, unknown>> {
  let seed = 42;
  const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  let n = 0;
  for (let c = 0; n < total; c++) {
    let at = c % nodes.length;
    for (let i = 0; i < CHAIN && n < total; i++) {
      const oid = `c${c}_${i}`;
      const next = i + 1 < CHAIN && n + 1 < total ? `c${c}_${i + 1}` : undefined;
      const d: Record<string, unknown> = i % 2 === 0
        ? { oid, categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" }
        : { oid, categoryType: "Application", dropclass: "dlg.apps.simple.NullBarrierApp" };
      d.node = nodes[at];
      d.island = islandOf[at];
      if (next) d[i % 2 === 0 ? "consumers" : "outputs"] = [next];
      if (i === 0) stats.roots.push(oid);
      n++;
      yield d;
      if (next) {
        stats.edges++;
        if (rand() < cross) {
          stats.crossing++;
          at = (at + 1) % nodes.length;
        }
      }
    }
  }
}

/** The whole graph of `hierarchyDrops` at once (for 100k Drops). */
export function hierarchyGraph(total: number, nodes: string[], islandOf: string[], cross = 0.1) {
  const stats: GraphStats = { edges: 0, crossing: 0, roots: [] };
  const graph = [...hierarchyDrops(total, nodes, islandOf, stats, cross)];
  return { graph, roots: stats.roots, edges: stats.edges, crossing: stats.crossing };
}

/** Every number in a (nested) session status: the nodes' states. */
export function flat(status: unknown): number[] {
  if (typeof status === "number") return [status];
  return Object.values(status as Record<string, unknown>).flatMap(flat);
}

/** Append `parts` to `sid` two at a time (as `dlg submit` sends them), deploy, wait for the end. */
async function runOnMaster(m: MasterManagerClient, sid: string, parts: string[], roots: string[]) {
  const t0 = performance.now();
  await m.createSession(sid);
  let next = 0;
  const sender = async () => {
    while (next < parts.length) await m.appendGraph(sid, parts[next++]!);
  };
  await Promise.all([sender(), sender()]);
  const t1 = performance.now();
  await m.deploySession(sid, roots);
  const t2 = performance.now();
  for (;;) {
    const st = flat(await m.sessionStatus(sid));
    if (st.every((x) => x >= 4)) {
      if (!st.every((x) => x === 4)) throw new Error(`session ended ${JSON.stringify(st)}`);
      break;
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return { t0, t1, t2, t3: performance.now() };
}

export async function hierarchy(total = 100_000): Promise<Row[]> {
  const c = await startCluster([2, 2], ["--dlm-check-period", "0"]);
  try {
    const nodes = c.nodes.flat().map((p) => p.hostPort);
    const islandOf = [0, 0, 1, 1].map((i) => c.islands[i]!.hostPort);
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 300_000 });
    // Warm the code paths first, with as many Drops per node as the one-node row's warm-up.
    const warm = hierarchyGraph(10_000 * nodes.length, nodes, islandOf);
    await runOnMaster(m, "warm", splitGraph(warm.graph), warm.roots);
    await m.destroySession("warm");
    // The graph's JSON is made before the clock starts, in `dlg submit`'s parts.
    const { graph, roots, edges, crossing } = hierarchyGraph(total, nodes, islandOf);
    const { t0, t1, t2, t3 } = await runOnMaster(m, "bench", splitGraph(graph), roots);
    const peaks = new PeakTracker(clusterTiers(c));
    peaks.sample();
    const rate = total / ((t3 - t0) / 1000);
    console.error(
      `hierarchy: ${total} Drops, ${edges} edges (${crossing} cross-node): append ${
        (t1 - t0).toFixed(0)
      } ms, deploy ${(t2 - t1).toFixed(0)} ms, run ${(t3 - t2).toFixed(0)} ms`,
    );
    const row = atLeast(
      "master -> 2 islands -> 4 nodes, 100k Drops, 10% cross-node edges",
      rate,
      "Drops/s",
      50_000,
    );
    row.detail = {
      drops: total,
      edges,
      crossNode: crossing,
      appendMs: Math.round(t1 - t0),
      deployMs: Math.round(t2 - t1),
      runMs: Math.round(t3 - t2),
      totalPeakRssMB: Math.round(peaks.total() / 1e6),
      ...peaks.detail(),
    };
    return [row];
  } finally {
    await c.stop();
    if (Deno.env.get("DLG_TRACE")) {
      for (const p of [c.master, ...c.islands, ...c.nodes.flat()]) console.error(p.output());
    }
  }
}

if (import.meta.main) console.table(await hierarchy(Number(Deno.args[0] ?? 100_000)));
