/**
 * DESIGN §4, event stream: Drop state change -> SSE client while a 100k-Drop graph runs on one
 * node. A probe session's root Drops are completed one by one (`trigger`) while the big session
 * runs (one every 2 ms, not waiting for the last); the latency of each is the time from sending
 * the trigger to reading its change on the probe session's `/events` stream (so it includes the
 * trigger request: an upper bound). The
 * big session's own stream is read too, and must show every Drop COMPLETED (no event lost).
 */
import { NodeManagerClient } from "../../core/client/mod.ts";
import { startNode } from "../_util/procs.ts";
import { chainGraph, toParts } from "./one_node.ts";
import { atLeast, atMost, type Row } from "./_report.ts";

const PROBES = 2000;

export async function eventLatency(): Promise<Row[]> {
  const node = await startNode(["--dlm-check-period", "0", "-m", "10"]);
  try {
    const c = new NodeManagerClient(node.url, { timeoutMs: 120_000 });
    const probes = Array.from({ length: PROBES }, (_, i) => ({
      oid: `p${i}`,
      categoryType: "Data",
      dropclass: "dlg.data.drops.memory.InMemoryDROP",
    }));
    await c.createSession("probe");
    await c.appendGraph("probe", probes);
    await c.deploySession("probe", []);
    const { specs, roots } = chainGraph(1000, 100);
    await c.createSession("load");
    for (const part of toParts(specs, 9_000_000)) await c.appendGraph("load", part);

    const sent = new Map<string, number>();
    const latencies: number[] = [];
    const ac = new AbortController();
    const probeStream = (async () => {
      for await (const e of c.sessionEvents("probe", { signal: ac.signal })) {
        if (e.event !== "drops") continue;
        const now = performance.now();
        for (const d of e.data) {
          const t = sent.get(d.oid);
          if (t !== undefined && d.status === 2) {
            latencies.push(now - t);
          }
        }
      }
    })().catch(() => {});
    // The big session's stream is read in a worker: its parsing must not delay the probes.
    const reader = new Worker(new URL("./modules/events_reader.ts", import.meta.url), {
      type: "module",
    });
    const loadStream = new Promise<{ completed: number; status: unknown; events: number }>(
      (resolve) => reader.onmessage = (m) => resolve(m.data),
    );
    let loadDone = false;
    loadStream.then(() => loadDone = true);
    reader.postMessage({ url: node.url, sessionId: "load" });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    await c.deploySession("load", roots);
    // One probe every 2 ms while the big session runs, each sent without waiting for the last.
    let i = 0;
    const inflight: Promise<unknown>[] = [];
    while (!loadDone && i < PROBES) {
      const oid = `p${i++}`;
      sent.set(oid, performance.now());
      inflight.push(c.request("POST", "/api/sessions/probe/trigger", { json: [oid] }));
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(inflight);
    const load = await loadStream;
    reader.terminate();
    const runMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 100));
    ac.abort();
    await probeStream;
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))] ??
      NaN;
    const rows = [
      atMost("event stream, 100k Drops running: change -> SSE client p99", p99, "ms", 20),
      atLeast("event stream: probe changes received / sent", latencies.length / i, "", 1),
      atLeast(
        "event stream, 100k Drops running: Drops seen COMPLETED",
        load.completed,
        "Drops",
        specs.length,
      ),
    ];
    rows[0]!.detail = {
      probes: latencies.length,
      sent: i,
      p50: latencies[Math.floor(latencies.length / 2)] ?? NaN,
      max: latencies.at(-1) ?? NaN,
      runMs: Math.round(runMs),
      loadEvents: load.events,
    };
    return rows;
  } finally {
    await node.stop();
  }
}
