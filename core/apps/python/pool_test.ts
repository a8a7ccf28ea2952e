import assert from "node:assert/strict";
import { waitFor } from "../../testing/mod.ts";
import { PythonError, PythonPool } from "./pool.ts";
import type { CallMsg } from "./protocol.ts";

const PYTHON = "/usr/bin/python3";
const enc = new TextEncoder();
const dec = new TextDecoder();

function call(name: string, extra: Partial<CallMsg> = {}): CallMsg {
  return { func_name: name, inputs: [], outputs: [{ port: "o", encoding: "eval" }], ...extra };
}

function alive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

async function withPool(fn: (pool: PythonPool) => Promise<void>, size = 2) {
  const pool = new PythonPool({ python: PYTHON, size });
  try {
    await fn(pool);
  } finally {
    await pool.stop();
  }
}

Deno.test("PythonPool runs calls on persistent workers, at most `size` of them", async () => {
  await withPool(async (pool) => {
    const msg = call("builtins.pow", { args: { base: { value: 3 }, exp: { value: 4 } } });
    const results = await Promise.all([1, 2, 3, 4, 5].map(() => pool.call(msg, [])));
    for (const r of results) assert.equal(dec.decode(r.outputs[0]![0]), "81");
    assert.equal(pool.workers, 2);
    const pids = pool.pids();
    await pool.call(msg, []);
    assert.deepEqual(pool.pids().sort(), pids.sort());
  });
});

Deno.test("PythonPool passes payloads through and reports what the function printed", async () => {
  await withPool(async (pool) => {
    const code = "def shout(text):\n    print('got', len(text))\n    return text.upper()\n";
    const r = await pool.call(
      call("shout", {
        func_code: code,
        inputs: [{ port: "text", encoding: "utf-8", payload: 0 }],
        outputs: [{ port: "o", encoding: "utf-8" }, { port: "p", encoding: "pickle" }],
      }),
      [enc.encode("hello")],
    );
    assert.equal(dec.decode(r.outputs[0]![0]), "HELLO");
    assert.deepEqual([...r.outputs[1]![0]!.subarray(0, 2)], [0x80, 4]);
    assert.equal(r.log, "got 5\n");
  });
});

Deno.test("PythonPool rejects with the exception text and traceback; the worker stays", async () => {
  await withPool(async (pool) => {
    const code = "def boom():\n    raise ValueError('no good')\n";
    const err = await pool.call(call("boom", { func_code: code }), []).catch((e) => e);
    assert.ok(err instanceof PythonError);
    assert.equal(err.message, "ValueError: no good");
    assert.match(err.traceback, /line 2, in boom/);
    const unknown = await pool.call(call("no_such_module.f"), []).catch((e) => e);
    assert.match(unknown.message, /No module named 'no_such_module'/);
    assert.equal(pool.workers, 1);
  }, 1);
});

Deno.test("PythonPool cancel kills the worker running the call; the next call gets a new one", async () => {
  await withPool(async (pool) => {
    const ac = new AbortController();
    const sleeping = pool.call(call("time.sleep", { args: { s: { value: 60 } } }), [], ac.signal);
    await waitFor(() => pool.busy, { until: (n) => n === 1, timeout: 5000, what: "busy" });
    const [pid] = pool.pids();
    ac.abort(new Error("cancelled"));
    await assert.rejects(sleeping, /cancelled/);
    await waitFor(() => alive(pid!), { until: (a) => !a, timeout: 5000, what: "worker gone" });
    const r = await pool.call(call("builtins.abs", { args: { x: { value: -2 } } }), []);
    assert.equal(dec.decode(r.outputs[0]![0]), "2");
    assert.notEqual(pool.pids()[0], pid);
  }, 1);
});

Deno.test("PythonPool fails the call of a worker killed mid-call with the exit reason", async () => {
  await withPool(async (pool) => {
    const sleeping = pool.call(call("time.sleep", { args: { s: { value: 60 } } }), []);
    await waitFor(() => pool.busy, { until: (n) => n === 1, timeout: 5000, what: "busy" });
    Deno.kill(pool.pids()[0]!, "SIGKILL");
    await assert.rejects(sleeping, /python worker \(pid \d+\) was killed by SIGKILL/);
    const r = await pool.call(call("builtins.abs", { args: { x: { value: -3 } } }), []);
    assert.equal(dec.decode(r.outputs[0]![0]), "3");
  }, 1);
});

Deno.test("PythonPool says once why a python cannot be used", async () => {
  const pool = new PythonPool({ python: "/nonexistent/python3" });
  assert.match(pool.unavailable()!, /\/nonexistent\/python3 cannot be started/);
  assert.equal(new PythonPool({ python: PYTHON }).unavailable(), null);
  await pool.stop();
});

Deno.test("PythonPool.probe finds out in the background what unavailable() then says", async () => {
  for (const [python, says] of [["/nonexistent/python3", /cannot be started/], [PYTHON, null]]) {
    const pool = new PythonPool({ python: python as string });
    const probing = pool.probe();
    assert.equal(pool.probe(), probing, "probed once");
    await probing;
    const why = pool.unavailable();
    if (says === null) assert.equal(why, null);
    else assert.match(why!, says as RegExp);
    await pool.stop();
  }
  // A pool stopped while its probe runs waits for it (no process left behind).
  const pool = new PythonPool({ python: PYTHON });
  void pool.probe();
  await pool.stop();
});

Deno.test("PythonPool passes big payloads through files both ways and leaves none behind", async () => {
  const pool = new PythonPool({ python: PYTHON, size: 1, directMemory: false });
  try {
    const n = 3 * 1024 * 1024;
    const input = new Uint8Array(new SharedArrayBuffer(n));
    for (let i = 0; i < n; i++) input[i] = i % 251;
    const code = "def rev(data):\n    return bytes(data)[::-1]\n";
    const r = await pool.call(
      call("rev", {
        func_code: code,
        inputs: [{ port: "data", encoding: "path", payload: 0 }],
        outputs: [{ port: "o", encoding: "raw" }],
      }),
      [input],
    );
    const out = r.outputs[0]![0]!;
    assert.equal(out.length, n);
    assert.ok(out.buffer instanceof SharedArrayBuffer);
    assert.equal(out[0], (n - 1) % 251);
    assert.equal(out[n - 1], 0);
    const left = [...Deno.readDirSync(pool.dir!)].map((e) => e.name);
    assert.deepEqual(left, ["runner.py"]);
    assert.equal(pool.directMemory, false);
  } finally {
    await pool.stop();
  }
});

/** `n` float64 in an npy payload (a shared buffer, as a Drop holds it) and the call doubling it. */
function npyCall(n: number): { msg: CallMsg; input: Uint8Array } {
  const head = `{'descr': '<f8', 'fortran_order': False, 'shape': (${n},), }`.padEnd(117) + "\n";
  const input = new Uint8Array(new SharedArrayBuffer(10 + head.length + n * 8));
  input.set([0x93, ...enc.encode("NUMPY"), 1, 0, head.length, 0]);
  input.set(enc.encode(head), 10);
  const data = new Float64Array(input.buffer, 128, n);
  for (let i = 0; i < n; i++) data[i] = i;
  const msg = call("double", {
    func_code: "import time\ndef double(a, wait=0):\n    time.sleep(wait)\n    return a * 2\n",
    inputs: [{ port: "a", encoding: "npy", payload: 0 }],
    outputs: [{ port: "o", encoding: "npy" }],
  });
  return { msg, input };
}

Deno.test("PythonPool copies a big npy straight into Python's memory and back, no files", async () => {
  await withPool(async (pool) => {
    const n = 4 * 1024 * 1024; // 32 MiB
    const { msg, input } = npyCall(n);
    for (let round = 0; round < 2; round++) {
      const r = await pool.call(msg, [input]);
      assert.ok(pool.directMemory, "FFI is granted to the tests: the memory path is taken");
      const [head, body] = r.outputs[0]!;
      assert.equal(dec.decode(head!.subarray(1, 6)), "NUMPY");
      assert.equal(body!.length, n * 8);
      assert.ok(body!.buffer instanceof SharedArrayBuffer);
      const out = new Float64Array(body!.buffer, body!.byteOffset, n);
      assert.deepEqual([out[0], out[1], out[n - 1]], [0, 2, (n - 1) * 2]);
      assert.deepEqual([...Deno.readDirSync(pool.dir!)].map((e) => e.name), ["runner.py"]);
    }
    // Two big inputs around a small one; a big pickle (a read-only bytes object) back.
    const big = (k: number) => new Uint8Array(new SharedArrayBuffer(2 * 1024 * 1024)).fill(k);
    const r = await pool.call(
      call("join", {
        func_code: "def join(a, sep, b):\n    return bytes(a) + sep.encode() + bytes(b)\n",
        inputs: [
          { port: "a", encoding: "path", payload: 0 },
          { port: "sep", encoding: "utf-8", payload: 1 },
          { port: "b", encoding: "path", payload: 2 },
        ],
        outputs: [{ port: "o", encoding: "raw" }, { port: "p", encoding: "pickle" }],
      }),
      [big(1), enc.encode("|"), big(2)],
    );
    const [raw, pickled] = [r.outputs[0]![0]!, r.outputs[1]![0]!];
    assert.equal(raw.length, 4 * 1024 * 1024 + 1);
    assert.deepEqual([raw[0], raw[2 * 1024 * 1024], raw[raw.length - 1]], [1, 0x7c, 2]);
    assert.ok(pickled.length > raw.length);
    assert.deepEqual([...Deno.readDirSync(pool.dir!)].map((e) => e.name), ["runner.py"]);
  }, 1);
});

Deno.test("PythonPool: a worker killed holding a big input fails its call, leaves no files", async () => {
  for (const directMemory of [true, false]) {
    const pool = new PythonPool({ python: PYTHON, size: 1, directMemory });
    try {
      const { msg, input } = npyCall(1024 * 1024);
      const slow = { ...msg, args: { wait: { value: 60 } } };
      const p = pool.call(slow, [input]);
      await waitFor(() => pool.busy, { until: (n) => n === 1, timeout: 5000, what: "busy" });
      await new Promise((r) => setTimeout(r, 300)); // the input is in Python by now
      Deno.kill(pool.pids()[0]!, "SIGKILL");
      await assert.rejects(p, /was killed by SIGKILL/);
      assert.deepEqual([...Deno.readDirSync(pool.dir!)].map((e) => e.name), ["runner.py"]);
      const r = await pool.call(msg, [input]);
      assert.equal(pool.directMemory, directMemory);
      assert.equal(r.outputs[0]![1]!.length, 8 * 1024 * 1024);
    } finally {
      await pool.stop();
    }
  }
});

Deno.test("PythonPool writes no payload for a call whose worker died before it was ready", async () => {
  const slowStart = await Deno.makeTempFile({ suffix: ".sh" });
  await Deno.writeTextFile(slowStart, `#!/bin/sh\nsleep 1\nexec ${PYTHON} "$@"\n`);
  await Deno.chmod(slowStart, 0o755);
  for (const directMemory of [true, false]) {
    const pool = new PythonPool({ python: slowStart, size: 1, directMemory });
    try {
      const { msg, input } = npyCall(1024 * 1024);
      const p = pool.call(msg, [input]);
      await waitFor(() => pool.busy, { until: (n) => n === 1, timeout: 5000, what: "busy" });
      Deno.kill(pool.pids()[0]!, "SIGKILL"); // still sleeping: not ready
      await assert.rejects(p, /was killed by SIGKILL/);
      const left = pool.dir ? [...Deno.readDirSync(pool.dir)].map((e) => e.name) : [];
      assert.deepEqual(left.filter((n) => n !== "runner.py"), [], "no payload file");
    } finally {
      await pool.stop();
    }
  }
  await Deno.remove(slowStart);
});

Deno.test("PythonPool removes the output files of a worker that died before sending them", async () => {
  await withPool(async (pool) => {
    const code = "import os\ndef die():\n" +
      "    d = os.environ['DLG_PY_DATA']\n" +
      "    open(os.path.join(d, 'out-%d-99' % os.getpid()), 'wb').write(b'x' * 10)\n" +
      "    os._exit(3)\n";
    await assert.rejects(pool.call(call("die", { func_code: code }), []), /exited with code 3/);
    assert.deepEqual([...Deno.readDirSync(pool.dir!)].map((e) => e.name), ["runner.py"]);
  }, 1);
});
