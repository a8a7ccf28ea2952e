/**
 * CPU profiles of a running tier over V8's inspector (Deno has no `--cpu-prof`): start the tier
 * with `--inspect=127.0.0.1:<port>`, `attachProfiler(port)`, `start()`, do the work, `stop()`,
 * then `selfTimes` (where the time went) and `busyStretches` (what held the event loop).
 * The method and the figures it gave are in docs/performance.md.
 */

/** V8's `Profiler.Profile`, the parts we read. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface Profiler {
  start(intervalUs?: number): Promise<void>;
  stop(): Promise<CpuProfile>;
  /** A heap snapshot (after a full GC), as V8's JSON text. */
  heapSnapshot(): Promise<string>;
  close(): void;
}

/** Connect to the inspector listening on `port` (the first target). */
export async function attachProfiler(port: number): Promise<Profiler> {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
  const ws = new WebSocket(targets[0].webSocketDebuggerUrl);
  await new Promise((ok, fail) => {
    ws.onopen = ok;
    ws.onerror = fail;
  });
  let id = 0;
  const waiting = new Map<number, (r: unknown) => void>();
  let chunks: string[] = [];
  ws.onmessage = (e) => {
    const m = JSON.parse(e.data);
    if (m.id !== undefined) waiting.get(m.id)?.(m.result);
    else if (m.method === "HeapProfiler.addHeapSnapshotChunk") chunks.push(m.params.chunk);
  };
  const call = (method: string, params: unknown = {}) =>
    new Promise<unknown>((r) => {
      waiting.set(++id, r);
      ws.send(JSON.stringify({ id, method, params }));
    });
  return {
    async start(intervalUs = 500) {
      await call("Profiler.enable");
      await call("Profiler.setSamplingInterval", { interval: intervalUs });
      await call("Profiler.start");
    },
    async stop() {
      return ((await call("Profiler.stop")) as { profile: CpuProfile }).profile;
    },
    async heapSnapshot() {
      chunks = [];
      await call("HeapProfiler.enable");
      await call("HeapProfiler.collectGarbage");
      await call("HeapProfiler.takeHeapSnapshot", { reportProgress: false });
      return chunks.join("");
    },
    close: () => ws.close(),
  };
}

/** Retained-by-self bytes and counts per object kind (constructor or V8 type), the top `n`. */
export function heapSummary(snapshotJson: string, n = 30) {
  const s = JSON.parse(snapshotJson);
  const fields: string[] = s.snapshot.meta.node_fields;
  const types: string[] = s.snapshot.meta.node_types[0];
  const [T, N, S] = ["type", "name", "self_size"].map((f) => fields.indexOf(f));
  const by = new Map<string, { bytes: number; count: number }>();
  let total = 0;
  for (let i = 0; i < s.nodes.length; i += fields.length) {
    const type = types[s.nodes[i + T!]]!;
    const key = type === "object" || type === "closure"
      ? `${type} ${s.strings[s.nodes[i + N!]]}`
      : type;
    const e = by.get(key) ?? { bytes: 0, count: 0 };
    e.bytes += s.nodes[i + S!];
    e.count++;
    total += s.nodes[i + S!];
    by.set(key, e);
  }
  const top = [...by].sort((a, b) => b[1].bytes - a[1].bytes).slice(0, n);
  return { total, top: top.map(([kind, e]) => ({ kind, ...e })) };
}

const IDLE = new Set(["(idle)", "(program)", "(root)"]);

function frames(p: CpuProfile) {
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const name = (id: number) => {
    const f = byId.get(id)!.callFrame;
    const file = f.url.split("/").slice(-2).join("/");
    return `${f.functionName || "(anonymous)"} ${file}:${f.lineNumber + 1}`;
  };
  return { byId, name };
}

/** Self time (ms) per function, the top `n`, over samples from `from` to `to` (indexes). */
export function selfTimes(p: CpuProfile, n = 25, from = 0, to = p.samples.length) {
  const { name } = frames(p);
  const t = new Map<string, number>();
  for (let i = from; i < to; i++) {
    const k = name(p.samples[i]!);
    t.set(k, (t.get(k) ?? 0) + (p.timeDeltas[i + 1] ?? 0) / 1000);
  }
  return [...t].sort((a, b) => b[1] - a[1]).slice(0, n).map(([f, ms]) => ({
    f,
    ms: +ms.toFixed(1),
  }));
}

/** Stretches of at least `minMs` with no idle sample: what held the event loop, and where. */
export function busyStretches(p: CpuProfile, minMs = 50) {
  const { byId } = frames(p);
  const out: { atMs: number; ms: number; top: ReturnType<typeof selfTimes> }[] = [];
  let t = 0;
  let start = -1;
  let startT = 0;
  for (let i = 0; i <= p.samples.length; i++) {
    const id = p.samples[i];
    const idle = id === undefined || IDLE.has(byId.get(id)!.callFrame.functionName);
    if (!idle && start < 0) {
      start = i;
      startT = t;
    }
    if (idle && start >= 0) {
      if (t - startT >= minMs * 1000) {
        out.push({ atMs: startT / 1000, ms: (t - startT) / 1000, top: selfTimes(p, 8, start, i) });
      }
      start = -1;
    }
    t += p.timeDeltas[i + 1] ?? 0;
  }
  return out;
}
