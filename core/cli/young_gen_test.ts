import assert from "node:assert/strict";
import { touchYoungGeneration } from "./young_gen.ts";

Deno.test("touchYoungGeneration allocates what it is asked, letting timers run between slices", async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  try {
    // 64 MB takes tens of ms here: many 1 ms slices, each followed by a turn of the loop.
    const bytes = await touchYoungGeneration(64, 1);
    assert.equal(bytes, 64 * 1024 * 1024);
    assert.ok(ticks > 0, "the loop was let in between slices");
  } finally {
    clearInterval(timer);
  }
});
