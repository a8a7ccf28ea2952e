import assert from "node:assert/strict";
import type { AppDrop } from "../drops/mod.ts";
import { Scheduler } from "./scheduler.ts";

/** A chain of `n` apps, each busy for `ms` and pushing the next as it ends (as outputs do). */
function chain(s: Scheduler, n: number, ms: number, ran: number[]): AppDrop {
  const app = (i: number): AppDrop =>
    ({
      oid: `a${i}`,
      execute() {
        const end = performance.now() + ms;
        while (performance.now() < end) { /* busy */ }
        ran.push(performance.now());
        if (i + 1 < n) s.push(app(i + 1));
      },
    }) as unknown as AppDrop;
  return app(0);
}

Deno.test("a long run of chained apps still lets HTTP in every few ms", async () => {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    () => new Response("ok"),
  );
  const s = new Scheduler((_app, e) => {
    throw e;
  });
  const ran: number[] = [];
  try {
    const url = `http://127.0.0.1:${server.addr.port}/`;
    await (await fetch(url)).text(); // the connection is open before the run starts
    s.push(chain(s, 3000, 0.05, ran));
    const answered: number[] = [];
    while (ran.length < 3000) {
      await (await fetch(url)).text();
      answered.push(performance.now());
    }
    const during = answered.filter((t) => t < ran.at(-1)!);
    // ~150 ms of work: an I/O turn every ~5 ms, a full one every 40; the scheduler before these
    // turns answered none. A client in the same process needs several turns per request, and
    // the suite runs tests in parallel on 2 cores: a low bar that still tells the two apart.
    assert.ok(
      during.length >= 2,
      `${during.length} requests answered in ${(ran.at(-1)! - ran[0]!).toFixed(0)} ms`,
    );
  } finally {
    ac.abort();
    await server.finished;
  }
});

Deno.test("stop drops what is queued", async () => {
  const s = new Scheduler(() => {});
  const ran: number[] = [];
  s.push(chain(s, 10, 0, ran));
  s.stop();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(ran.length, 0);
});

Deno.test("a long queue runs once each, in push order, also while it grows", async () => {
  const s = new Scheduler((_app, e) => {
    throw e;
  });
  const ran: number[] = [];
  const app = (i: number, then?: () => void): AppDrop =>
    ({
      oid: `a${i}`,
      execute() {
        ran.push(i);
        then?.();
      },
    }) as unknown as AppDrop;
  // More than a few chunks queued at once, and more pushed by the apps as they run (an app
  // ready from an event while a run goes): the queue empties and fills again.
  const n = 20_000;
  for (let i = 0; i < n; i++) s.push(app(i, i % 1000 === 0 ? () => s.push(app(n + i)) : undefined));
  for (let t = 0; t < 200 && ran.length < n + 20; t++) await new Promise((r) => setTimeout(r, 5));
  const extra = Array.from({ length: 20 }, (_, k) => n + k * 1000);
  assert.deepEqual(ran.filter((i) => i < n), Array.from({ length: n }, (_, i) => i));
  assert.deepEqual(ran.filter((i) => i >= n), extra);
  // Then again after it ran dry.
  s.push(app(-1));
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(ran.at(-1), -1);
  assert.equal(ran.length, n + 21);
});
