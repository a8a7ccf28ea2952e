/**
 * DESIGN §4, one dlg-node: parallel chains of InMemoryDROP -> NullBarrierApp, appended in the
 * parts `dlg submit` makes and sends (its default size, two in flight), deployed with the roots
 * completed, timed until FINISHED; RSS per Drop.
 */
import { NodeManagerClient, splitGraph } from "../../core/client/mod.ts";
import { startNode } from "../_util/procs.ts";
import { atLeast, atMost, benchToken, procMemory, type Row } from "./_report.ts";

/** `chains` chains of `length` Drops each (data, app, data, ..., data). */
export function chainGraph(chains: number, length: number, prefix = "") {
  const specs: Record<string, unknown>[] = [];
  const roots: string[] = [];
  for (let c = 0; c < chains; c++) {
    for (let i = 0; i < length; i++) {
      const oid = `${prefix}${c}_${i}`;
      const next = i + 1 < length ? [`${prefix}${c}_${i + 1}`] : undefined;
      if (i % 2 === 0) {
        specs.push({
          oid,
          categoryType: "Data",
          dropclass: "dlg.data.drops.memory.InMemoryDROP",
          ...(next ? { consumers: next } : {}),
        });
      } else {
        specs.push({
          oid,
          categoryType: "Application",
          dropclass: "dlg.apps.simple.NullBarrierApp",
          outputs: next,
        });
      }
    }
    roots.push(`${prefix}${c}_0`);
  }
  return { specs, roots };
}

/** Split specs into JSON bodies of at most `maxBytes`. */
export function toParts(specs: unknown[], maxBytes: number): string[] {
  const parts: string[] = [];
  let cur: string[] = [];
  let size = 2;
  for (const s of specs) {
    const j = JSON.stringify(s);
    if (size + j.length + 1 > maxBytes && cur.length) {
      parts.push(`[${cur.join(",")}]`);
      cur = [];
      size = 2;
    }
    cur.push(j);
    size += j.length + 1;
  }
  if (cur.length) parts.push(`[${cur.join(",")}]`);
  return parts;
}

/** Appends in flight at once, as `dlg submit` (`submitGraph`) sends them. */
const IN_FLIGHT = 2;

/** Submit a graph to a node in parts and time it until the session ends. */
export async function runOnNode(url: string, sid: string, parts: string[], roots: string[]) {
  const c = new NodeManagerClient(url, { timeoutMs: 120_000, token: benchToken() });
  const t0 = performance.now();
  await c.createSession(sid);
  let next = 0;
  const sender = async () => {
    while (next < parts.length) {
      await c.request("POST", `/api/sessions/${sid}/graph/append`, {
        body: parts[next++],
        headers: { "content-type": "application/json" },
      });
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, sender));
  const t1 = performance.now();
  await c.deploySession(sid, roots);
  const t2 = performance.now();
  let status: unknown;
  do {
    await new Promise((r) => setTimeout(r, 2));
    status = await c.sessionStatus(sid);
  } while (status === 3 || status === 2);
  const t3 = performance.now();
  if (status !== 4) throw new Error(`session ${sid} ended in state ${status}`);
  return { total: t3 - t0, append: t1 - t0, deploy: t2 - t1, run: t3 - t2 };
}

export async function oneNode(drops: number, label: string): Promise<Row[]> {
  const length = 100;
  const { specs, roots } = chainGraph(Math.ceil(drops / length), length);
  // The parts `dlg submit` makes (its default size), two in flight as it sends them.
  const parts = splitGraph(specs);
  const v8 = Deno.env.get("BENCH_V8_FLAGS");
  const node = await startNode(
    ["--dlm-check-period", "0", "-m", "10"],
    v8 ? [`--v8-flags=${v8}`] : undefined,
  );
  try {
    // Warm the code paths with a small graph first.
    const warm = chainGraph(100, length, "w");
    await runOnNode(node.url, "warm", toParts(warm.specs, 1e7), warm.roots);
    await new NodeManagerClient(node.url, { token: benchToken() }).destroySession("warm");
    const base = procMemory(node.child.pid).rss;
    const t = await runOnNode(node.url, "bench", parts, roots).catch((e) => {
      // Say why: a node that died (e.g. V8's heap limit) shows it in its last words.
      console.error(`node's output ends:\n${node.output().slice(-2000)}`);
      throw e;
    });
    const mem = procMemory(node.child.pid);
    const n = specs.length;
    const perDrop = (Math.max(mem.rss, mem.hwm) - base) / n;
    const rows = [
      atLeast(`one node, ${label} Drops: end to end`, n / (t.total / 1000), "Drops/s", 150_000),
      atMost(`one node, ${label} Drops: RSS per Drop (peak)`, perDrop, "bytes", 1536),
    ];
    rows[0]!.detail = {
      drops: n,
      parts: parts.length,
      appendsInFlight: IN_FLIGHT,
      appendMs: Math.round(t.append),
      deployMs: Math.round(t.deploy),
      runMs: Math.round(t.run),
      totalMs: Math.round(t.total),
    };
    rows[1]!.tool = "VmRSS/VmHWM from /proc/<pid>/status";
    rows[1]!.detail = { baseRss: base, rss: mem.rss, hwm: mem.hwm, perDrop: Math.round(perDrop) };
    return rows;
  } finally {
    await node.stop();
  }
}

/**
 * 1M Drops in `dlg submit` parts: <= 6 s and <= 1.2 GB RSS (DESIGN §4 holds the 1M run to these two;
 * its Drops/s and RSS per Drop stay in the details).
 */
export async function oneNodeMillion(): Promise<Row[]> {
  const [rate, perDrop] = await oneNode(1_000_000, "1M");
  const total = Number(rate!.detail!.totalMs) / 1000;
  const hwm = Number(perDrop!.detail!.hwm);
  const rows = [
    atMost("one node, 1M Drops: end to end", total, "s", 6),
    atMost("one node, 1M Drops: peak RSS", hwm / 1e9, "GB", 1.2),
  ];
  rows[0]!.detail = { ...rate!.detail, dropsPerS: rate!.figure };
  rows[1]!.detail = perDrop!.detail;
  return rows;
}

/** `deno run -A tests/bench/one_node.ts N`: the one-node rows for N Drops (BENCH_V8_FLAGS apply). */
if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 100_000);
  const { printTable } = await import("./_report.ts");
  const rows = await oneNode(n, String(n));
  printTable(rows);
  for (const r of rows) console.log(JSON.stringify(r.detail));
}
