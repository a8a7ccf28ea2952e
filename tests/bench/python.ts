/**
 * PyFuncApp rows (DESIGN §10): trivial calls on a warm pool, a 256 MiB npy array into numpy and
 * back, and hello_universe_large end to end on one node (DALiuGE 6.7: 5.8 s).
 */
import { PythonPool } from "../../core/apps/python/mod.ts";
import { encodeNpy, ndarray } from "../../core/apps/mod.ts";
import { NodeManager } from "../../core/manager/mod.ts";
import { loadFixture, roots, splitParts } from "../translator/_fixtures.ts";
import { tierApp } from "../_util/tier_app.ts";
import { appCall, append, createSession, deploy, waitEnded } from "../translator/_run.ts";
import { atLeast, atMost, type Row } from "./_report.ts";

const PYTHON = "/usr/bin/python3";

async function withNode<T>(fn: (nm: NodeManager) => Promise<T>): Promise<T> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-bench-py-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0, python: { python: PYTHON } });
  try {
    return await fn(nm);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}

/** `n` independent `builtins.abs` calls, each an app with one memory output. */
function trivialGraph(n: number, prefix: string) {
  const graph: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    graph.push({
      oid: `${prefix}${i}`,
      categoryType: "Application",
      dropclass: "dlg.apps.pyfunc.PyFuncApp",
      func_name: "builtins.abs",
      x: -i - 1,
      outputs: [{ [`${prefix}o${i}`]: "out" }],
    }, {
      oid: `${prefix}o${i}`,
      categoryType: "Data",
      dropclass: "dlg.data.drops.memory.InMemoryDROP",
      producers: [{ [`${prefix}${i}`]: "out" }],
    });
  }
  return graph;
}

export async function pythonCalls(n = 1000): Promise<Row[]> {
  return await withNode(async (nm) => {
    const call = appCall(tierApp(nm));
    const run = async (sid: string, count: number) => {
      const graph = trivialGraph(count, sid);
      await createSession(call, sid);
      await append(call, sid, graph);
      const t0 = performance.now();
      await deploy(call, sid, graph.filter((d) => !d.producers).map((d) => d.oid as string));
      await waitEnded(call, sid, 120_000);
      return (performance.now() - t0) / 1000;
    };
    // Warm: the pool's processes started, and the node's call path run as a node that has been
    // up a while has run it (8 calls left it to V8's first tiers: ~2.3k against ~2.9k calls/s).
    await run("warm", 200);
    const secs = await run("calls", n);
    return [atLeast(`PyFuncApp: ${n} trivial calls, warm pool`, n / secs, "calls/s", 2000)];
  });
}

/** A 256 MiB float64 npy into a Python function (as a numpy array) and back: GB/s each way. */
export async function pythonNpy(mib = 256, rounds = 3): Promise<Row[]> {
  const pool = new PythonPool({ python: PYTHON, size: 1 });
  try {
    const n = (mib * 1024 * 1024) / 8;
    const npy = encodeNpy(ndarray("<f8", [n]));
    const input = new Uint8Array(new SharedArrayBuffer(npy.length));
    input.set(npy);
    const msg = {
      func_name: "identity",
      func_code: "def identity(a):\n    return a\n",
      inputs: [{ port: "a", encoding: "npy", payload: 0 }],
      outputs: [{ port: "o", encoding: "npy" }],
    };
    // Start the worker (python and numpy imports) outside the timed rounds.
    await pool.call({ ...msg, inputs: [], func_code: "def identity(a=0):\n    return a\n" }, []);
    let best = 0;
    for (let i = 0; i < rounds; i++) {
      const t0 = performance.now();
      const r = await pool.call(msg, [input]);
      const secs = (performance.now() - t0) / 1000;
      const size = r.outputs[0]!.reduce((s, p) => s + p.length, 0);
      if (size !== npy.length) throw new Error(`got ${size} bytes back, sent ${npy.length}`);
      best = Math.max(best, npy.length / 1e9 / secs);
    }
    return [atLeast(`PyFuncApp: ${mib} MiB npy into Python and back`, best, "GB/s", 1)];
  } finally {
    await pool.stop();
  }
}

/** hello_universe_large.single.json appended in parts, deployed, waited for: seconds. */
export async function pythonHelloLarge(): Promise<Row[]> {
  const graph = await loadFixture("hello_universe_large", "single");
  const parts = splitParts(graph, 10 * 1024 * 1024 - 64 * 1024);
  return await withNode(async (nm) => {
    const call = appCall(tierApp(nm));
    const t0 = performance.now();
    await createSession(call, "hul");
    for (const p of parts) await append(call, "hul", p.text);
    await deploy(call, "hul", roots(graph));
    const [final] = await waitEnded(call, "hul", 240_000);
    const secs = (performance.now() - t0) / 1000;
    if (final !== 4) throw new Error(`hello_universe_large ended in state ${final}`);
    return [{
      ...atMost("hello_universe_large end to end, one node (DALiuGE 5.8 s)", secs, "s", 5.8),
      from: "not in DESIGN §4: DALiuGE 6.7's time for the same graph on this machine class",
    }];
  });
}

if (import.meta.main) {
  console.table([...await pythonCalls(), ...await pythonNpy(), ...await pythonHelloLarge()]);
}
