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

Deno.test("a long run of chained apps still lets timers (and so I/O) in every few ms", async () => {
  const s = new Scheduler((_app, e) => {
    throw e;
  });
  const ran: number[] = [];
  const ticks: number[] = [];
  let ticking = true;
  const tick = () => {
    ticks.push(performance.now());
    if (ticking) setTimeout(tick, 0);
  };
  s.push(chain(s, 3000, 0.05, ran));
  setTimeout(tick, 0);
  while (ran.length < 3000) await new Promise((r) => setTimeout(r, 20));
  ticking = false;
  await new Promise((r) => setTimeout(r, 5)); // the last tick and the scheduler's probe fire
  const start = ran[0]!;
  const end = ran.at(-1)!;
  const during = ticks.filter((t) => t > start && t < end);
  // 150 ms of work: a timer turn at least every ~10 ms (IO_EVERY_MS), with slack for a busy CI.
  assert.ok(during.length >= 5, `${during.length} timer turns in ${(end - start).toFixed(0)} ms`);
});

Deno.test("stop drops what is queued", async () => {
  const s = new Scheduler(() => {});
  const ran: number[] = [];
  s.push(chain(s, 10, 0, ran));
  s.stop();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(ran.length, 0);
});
