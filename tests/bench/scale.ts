/**
 * DESIGN §4's 10M row, `deno task bench --scale [N]` (not in the default run): N Drops (default
 * 10M) of the hierarchy row's graph over master -> 2 islands -> 4 nodes (real processes),
 * generated lazily and appended through the master as `dlg submit` sends a graph (its parts, two
 * in flight), deployed, followed until
 * FINISHED. Rows: wall time (<= 3 min) and the sum of the tiers' peak RSS (<= 24 GB), with each
 * tier's peak in the detail. When it fails, the row says where: which phase, how many Drops
 * were appended, which tier died and the tiers' RSS then.
 */
import { DEFAULT_PART_BYTES, graphParts, MasterManagerClient } from "../../core/client/mod.ts";
import { startCluster } from "../_util/cluster.ts";
import { atMost, type Row } from "./_report.ts";
import { flat, type GraphStats, hierarchyDrops } from "./hierarchy.ts";
import { clusterTiers, PeakTracker } from "./_tiers.ts";
import { Progress } from "./scale_progress.ts";

export interface ScaleOptions {
  /** Largest append body sent to the master (default: `dlg submit`'s). */
  partBytes?: number;
  /** V8 old-space limit of every tier, in MB (Deno's default here is about 4 GB). */
  heapMb?: number;
  /** Seconds without an answer before a parent takes a child for dead (product default 10). */
  childTimeoutS?: number;
  /** Give up after this long (the target is 3 min; default 20 min, to see how far it gets). */
  giveUpMs?: number;
}

/** `10M`, `2.5M`, `100k`. */
export function dropsLabel(n: number): string {
  return n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
}

export async function scale(total = 10_000_000, o: ScaleOptions = {}): Promise<Row[]> {
  const partBytes = o.partBytes ?? DEFAULT_PART_BYTES;
  const heapMb = o.heapMb ?? 16_384;
  const label = dropsLabel(total);
  const childTimeout = o.childTimeoutS ?? 300;
  // Request bodies past the 10 MB default: the deploy's `completed` list at the master (one root
  // per 10 Drops: ~12 MB at 10M) and the master's one `subscriptions` call per node (413 at 10M).
  // Health: a node deploying 250k Drops answered nothing for ~10 s on 2 busy cores, which the
  // product's 10 s child timeout took for dead (1M run, FAILED); the run sets it longer.
  const c = await startCluster([2, 2], ["--dlm-check-period", "0", "-m", "64"], {
    health: ["--check-period", "2", "--child-timeout", String(childTimeout)],
    tierArgs: ["-m", "64"],
    denoArgs: [`--v8-flags=--max-old-space-size=${heapMb}`],
  });
  const tiers = clusterTiers(c);
  const peaks = new PeakTracker(tiers);
  const progress = new Progress(peaks, total, 24e9);
  const procs = [c.master, ...c.islands, ...c.nodes.flat()];
  procs.forEach((p, i) => p.child.status.then((s) => progress.died(tiers[i]!.name, s)));
  const stats: GraphStats = { edges: 0, crossing: 0, roots: [] };
  const t0 = performance.now();
  const giveUpMs = o.giveUpMs ?? 20 * 60_000;
  const giveUp = t0 + giveUpMs;
  const times: Record<string, number> = {};
  try {
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 600_000 });
    await m.createSession("scale");
    const nodes = c.nodes.flat().map((p) => p.hostPort);
    const islandOf = [0, 0, 1, 1].map((i) => c.islands[i]!.hostPort);
    // As `dlg submit` sends a graph: its parts, two in flight (each made as a sender is free).
    const parts = graphParts(hierarchyDrops(total, nodes, islandOf, stats), partBytes);
    const sender = async () => {
      for (let next = parts.next(); !next.done; next = parts.next()) {
        const cur = next.value;
        await progress.guard(m.request("POST", "/api/sessions/scale/graph/append", {
          body: cur.body,
          headers: { "content-type": "application/json" },
        }));
        progress.appended += cur.n;
        if (performance.now() > giveUp) throw new Error(`gave up after ${giveUpMs} ms`);
      }
    };
    await Promise.all([sender(), sender()]);
    times.appendMs = performance.now() - t0;
    progress.phase = "deploy";
    await progress.guard(m.deploySession("scale", stats.roots));
    times.deployMs = performance.now() - t0 - times.appendMs;
    progress.phase = "run";
    for (;;) {
      const st = flat(await progress.guard(m.sessionStatus("scale")));
      if (st.every((x) => x >= 4)) {
        if (!st.every((x) => x === 4)) throw new Error(`session ended in states ${st}`);
        break;
      }
      if (performance.now() > giveUp) throw new Error(`not FINISHED after ${giveUpMs} ms`);
      await new Promise((r) => setTimeout(r, 1000)); // sparse: the status is per node
    }
    times.runMs = performance.now() - t0 - times.appendMs - times.deployMs;
  } catch (e) {
    progress.fail(e);
  } finally {
    progress.stop();
  }
  const secs = (performance.now() - t0) / 1000; // to FINISHED, or to the failure
  await c.stop();
  const failure = progress.failure;
  const where = `${label} Drops over master -> 2 islands -> 4 nodes`;
  const timeRow = atMost(`${where}: FINISHED, wall time`, failure ? NaN : secs, "s", 180);
  const memRow = atMost(`${where}: peak RSS, sum of tiers`, peaks.total() / 1e9, "GB", 24);
  timeRow.detail = {
    drops: total,
    appended: progress.appended,
    partBytes,
    edges: stats.edges,
    crossNode: stats.crossing,
    heapLimitMB: heapMb,
    childTimeoutS: childTimeout,
    ...Object.fromEntries(Object.entries(times).map(([k, v]) => [k, Math.round(v)])),
    ...(failure ? { failure, failedAfterS: Math.round(secs), lastRssMB: progress.lastRss } : {}),
  };
  memRow.tool = "VmHWM of each tier from /proc/<pid>/status";
  memRow.detail = { totalPeakRssMB: Math.round(peaks.total() / 1e6), ...peaks.detail() };
  if (failure) {
    memRow.pass = false;
    for (const p of procs) console.error(p.output().slice(-1500));
  }
  console.error(`scale: ${failure ?? "FINISHED"} after ${secs.toFixed(1)} s`);
  return [timeRow, memRow];
}

if (import.meta.main) {
  const { printTable } = await import("./_report.ts");
  printTable(await scale(Number(Deno.args[0] ?? 10_000_000)));
}
