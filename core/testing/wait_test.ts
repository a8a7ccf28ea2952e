import assert from "node:assert/strict";
import { waitFor } from "./mod.ts";

Deno.test("waitFor resolves with the first truthy value, sync or async", async () => {
  let n = 0;
  assert.equal(await waitFor(() => ++n >= 3 && n, { interval: 1 }), 3);
  assert.deepEqual(await waitFor(async () => await Promise.resolve({ ok: 1 })), { ok: 1 });
});

Deno.test("waitFor rejects after its timeout, naming what and the last value", async () => {
  const t0 = Date.now();
  await assert.rejects(
    waitFor(() => ({ done: false }.done), { timeout: 60, interval: 10, what: "the end" }),
    /the end not met within 60 ms \(last: false\)/,
  );
  assert.ok(Date.now() - t0 >= 60);
});

Deno.test("waitFor lets a throw from the condition end the wait", async () => {
  await assert.rejects(
    waitFor(() => {
      throw new Error("boom");
    }),
    /boom/,
  );
});

Deno.test("waitFor with until resolves with the passing value and reports the last one", async () => {
  let n = 0;
  assert.equal(await waitFor(() => n++, { until: (x) => x === 0 }), 0);
  await assert.rejects(
    waitFor(() => [1, 2], { timeout: 30, until: (xs) => xs.length === 0, what: "empty" }),
    /empty not met within 30 ms \(last: \[1,2\]\)/,
  );
});
