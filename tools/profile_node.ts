/**
 * Profile the one-node benchmark scenario (docs/performance.md):
 * `deno run -A tools/profile_node.ts [drops=100000] [--heap] [--out FILE.cpuprofile]`.
 * Prints the phases, self time per phase and, with `--heap`, the live heap per Drop by kind.
 */
import { parseArgs } from "node:util";
import { NodeManagerClient } from "../core/client/mod.ts";
import { startNode } from "../tests/_util/procs.ts";
import { chainGraph, runOnNode, toParts } from "../tests/bench/one_node.ts";
import { attachProfiler, heapSummary, selfTimes } from "./profile.ts";

/** Sample indexes where each of `cutsMs` (ms from the start) falls. */
function phaseIndexes(timeDeltas: number[], cutsMs: number[]): number[] {
  const out = [0];
  let t = 0;
  for (let i = 0; i < timeDeltas.length && out.length <= cutsMs.length; i++) {
    t += timeDeltas[i]! / 1000;
    if (t >= cutsMs[out.length - 1]!) out.push(i);
  }
  while (out.length <= cutsMs.length) out.push(timeDeltas.length);
  return [...out, timeDeltas.length];
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { heap: { type: "boolean" }, out: { type: "string" } },
  });
  const n = Number(positionals[0] ?? 100_000);
  const { specs, roots } = chainGraph(Math.ceil(n / 100), 100);
  const parts = toParts(specs, 10 * 1000 * 1000 - 1024);
  const port = 9300 + Math.floor(Math.random() * 600);
  const node = await startNode(["--dlm-check-period", "0", "-m", "10"], [
    `--inspect=127.0.0.1:${port}`,
  ]);
  const prof = await attachProfiler(port);
  try {
    const warm = chainGraph(100, 100, "w");
    await runOnNode(node.url, "warm", toParts(warm.specs, 1e7), warm.roots);
    await new NodeManagerClient(node.url).destroySession("warm");
    const before = values.heap ? heapSummary(await prof.heapSnapshot(), 400) : undefined;
    await prof.start(500);
    const t = await runOnNode(node.url, "bench", parts, roots);
    const p = await prof.stop();
    console.log(
      `${n} Drops: ${(n / t.total * 1000).toFixed(0)} Drops/s; append ${t.append.toFixed(0)} ms,` +
        ` deploy ${t.deploy.toFixed(0)} ms, run ${t.run.toFixed(0)} ms (profiler on)`,
    );
    if (values.out) await Deno.writeTextFile(values.out, JSON.stringify(p));
    const idx = phaseIndexes(p.timeDeltas, [t.append, t.append + t.deploy]);
    ["append", "deploy", "run"].forEach((phase, k) => {
      console.log(`--- ${phase}: self time (ms)`);
      for (const r of selfTimes(p, 15, idx[k], idx[k + 1])) {
        console.log(`${String(r.ms).padStart(8)}  ${r.f}`);
      }
    });
    if (before) {
      const after = heapSummary(await prof.heapSnapshot(), 400);
      const was = new Map(before.top.map((x) => [x.kind, x]));
      console.log(`--- live heap per Drop: ${((after.total - before.total) / n).toFixed(0)} B`);
      const rows = after.top.map((x) => ({
        kind: x.kind,
        bytes: (x.bytes - (was.get(x.kind)?.bytes ?? 0)) / n,
        count: (x.count - (was.get(x.kind)?.count ?? 0)) / n,
      })).sort((a, b) => b.bytes - a.bytes).slice(0, 12);
      for (const r of rows) {
        console.log(
          `${r.bytes.toFixed(1).padStart(8)} B ${r.count.toFixed(2).padStart(6)}  ${r.kind}`,
        );
      }
    }
  } finally {
    prof.close();
    await node.stop();
  }
}

if (import.meta.main) await main();
