import assert from "node:assert/strict";
import { getPriority } from "node:os";
import { type JobEvent, type RunMsg, WorkerPool } from "./mod.ts";

const MODULE = new URL("../../tests/fixtures/modules/sum.ts", import.meta.url).href;

function run(fn: string, extra: Partial<Omit<RunMsg, "type" | "job">> = {}) {
  return {
    module: MODULE,
    fn,
    params: {},
    app: { oid: "A", uid: "A", sessionId: "s" },
    inputs: [],
    outputs: [],
    streams: [],
    ...extra,
  };
}

Deno.test("WorkerPool runs a function on a shared buffer without copying it", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const input = new SharedArrayBuffer(4);
    new Uint8Array(input).set([1, 2, 3, 4]);
    const output = new SharedArrayBuffer(0, { maxByteLength: 1024 });
    const events: JobEvent[] = [];
    await pool.submit({
      run: run("touch", {
        inputs: [{ oid: "I", uid: "I", name: "I", buffer: input, size: 4 }],
        outputs: [{ oid: "O", uid: "O", name: "O", buffer: output, size: 0 }],
      }),
      onEvent: (e) => events.push(e),
    }).done;
    // The worker wrote through its view of our buffer, and into the output buffer we gave it.
    assert.equal(new Uint8Array(input)[0], 99);
    assert.deepEqual(events, [{ type: "wrote", job: 1, output: 0, size: 2 }]);
    assert.equal(new TextDecoder().decode(new Uint8Array(output, 0, 2)), "10");
    assert.equal(pool.workers, 1);
  } finally {
    pool.stop();
  }
});

Deno.test({
  name: "WorkerPool runs apps below the manager's priority (Linux: nice 10 per worker thread)",
  ignore: Deno.build.os !== "linux",
  fn: async () => {
    const mine = getPriority(0);
    const pool = new WorkerPool({ size: 1 });
    try {
      const output = new SharedArrayBuffer(0, { maxByteLength: 64 });
      const events: JobEvent[] = [];
      await pool.submit({
        run: run("niceness", {
          outputs: [{ oid: "O", uid: "O", name: "O", buffer: output, size: 0 }],
        }),
        onEvent: (e) => events.push(e),
      }).done;
      const size = (events[0] as { size: number }).size;
      // 10, unless this process already runs lower (a thread may not raise its priority).
      const nice = Number(new TextDecoder().decode(new Uint8Array(output, 0, size)));
      assert.equal(nice, Math.max(10, mine));
      // Only the worker's thread: this one keeps its priority.
      assert.equal(getPriority(0), mine);
    } finally {
      pool.stop();
    }
  },
});

Deno.test("WorkerPool rejects with the app's message and stack", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const err = await pool.submit({ run: run("fail", { params: { what: "x" } }), onEvent() {} })
      .done.then(() => undefined, (e) => e as Error);
    assert.ok(err);
    assert.equal(err.message, "no luck with x");
    assert.match(err.stack ?? "", /sum\.ts:\d+/);
  } finally {
    pool.stop();
  }
});

Deno.test("WorkerPool replaces a crashed worker and keeps serving", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    for (const fn of ["crash", "quit"]) {
      const err = await pool.submit({ run: run(fn), onEvent() {} }).done.then(
        () => undefined,
        (e) => e as Error,
      );
      assert.match(err?.message ?? "", /worker crashed/);
      const events: JobEvent[] = [];
      const out = new SharedArrayBuffer(0, { maxByteLength: 64 });
      await pool.submit({
        run: run("fill", {
          params: { size: 3 },
          outputs: [{ oid: "O", uid: "O", name: "O", buffer: out, size: 0 }],
        }),
        onEvent: (e) => events.push(e),
      }).done;
      assert.deepEqual([...new Uint8Array(out, 0, 3)], [1, 2, 3]);
      assert.equal(pool.workers, 1);
    }
  } finally {
    pool.stop();
  }
});

Deno.test("WorkerPool cancel terminates a running app and drops a queued one", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const ac1 = new AbortController();
    const ac2 = new AbortController();
    const running = pool.submit({
      run: run("spin", { params: { ms: 20000 } }),
      onEvent() {},
      signal: ac1.signal,
    });
    const queued = pool.submit({
      run: run("spin", { params: { ms: 20000 } }),
      onEvent() {},
      signal: ac2.signal,
    });
    assert.equal(pool.queued, 1);
    await new Promise((r) => setTimeout(r, 200));
    const t0 = performance.now();
    ac2.abort(new Error("stop queued"));
    ac1.abort(new Error("stop running"));
    await assert.rejects(running.done, /stop running/);
    await assert.rejects(queued.done, /stop queued/);
    assert.ok(performance.now() - t0 < 2000);
    await pool.submit({ run: run("sum"), onEvent() {} }).done;
  } finally {
    pool.stop();
  }
});

Deno.test("WorkerPool relays streamed chunks, then the end, to a running app", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const out = new SharedArrayBuffer(0, { maxByteLength: 1024 });
    let size = 0;
    const h = pool.submit({
      run: run("collect", {
        streams: [{ oid: "S", uid: "S", name: "S" }],
        outputs: [{ oid: "O", uid: "O", name: "O", buffer: out, size: 0 }],
      }),
      onEvent: (e) => {
        if (e.type === "wrote") size = e.size;
      },
    });
    const enc = new TextEncoder();
    h.send({ type: "chunk", stream: 0, bytes: enc.encode("ab") });
    h.send({ type: "chunk", stream: 0, bytes: enc.encode("cd") });
    h.send({ type: "end", stream: 0, status: 2 });
    await h.done;
    assert.equal(new TextDecoder().decode(new Uint8Array(out, 0, size)), "2:abcd");
  } finally {
    pool.stop();
  }
});

Deno.test("WorkerPool.stop fails queued and running jobs", async () => {
  const pool = new WorkerPool({ size: 1 });
  const a = pool.submit({ run: run("spin", { params: { ms: 20000 } }), onEvent() {} });
  const b = pool.submit({ run: run("sum"), onEvent() {} });
  pool.stop();
  await assert.rejects(a.done, /stopped/);
  await assert.rejects(b.done, /stopped/);
  await assert.rejects(pool.submit({ run: run("sum"), onEvent() {} }).done, /stopped/);
});

Deno.test("WorkerPool: an output outgrowing its reservation moves once and says so", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const small = new SharedArrayBuffer(0, { maxByteLength: 64 });
    const events: JobEvent[] = [];
    await pool.submit({
      run: run("fill", {
        params: { size: 100 },
        outputs: [{ oid: "O", uid: "O", name: "O", buffer: small, size: 0 }],
      }),
      onEvent: (e) => events.push(e),
    }).done;
    assert.deepEqual(events.map((e) => e.type), ["swap", "wrote"]);
    const swap = events[0] as Extract<JobEvent, { type: "swap" }>;
    assert.ok(swap.buffer.byteLength >= 100 && swap.buffer !== small);
    assert.equal(new Uint8Array(swap.buffer)[99], 100);
  } finally {
    pool.stop();
  }
});

Deno.test("WorkerPool fails a job whose message cannot be sent, and keeps the worker", async () => {
  const pool = new WorkerPool({ size: 1 });
  try {
    const bad = pool.submit({ run: run("sum", { params: { f: () => 1 } }), onEvent() {} });
    await assert.rejects(bad.done, /could not be cloned|DataCloneError/i);
    await pool.submit({ run: run("sum"), onEvent() {} }).done;
    assert.equal(pool.workers, 1);
  } finally {
    pool.stop();
  }
});
