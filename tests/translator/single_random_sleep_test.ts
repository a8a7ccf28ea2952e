/**
 * parallel_random_sleep.single.json on one node: 150 random integers in [0, 15) scattered 30
 * ways, each part walked by a 5-step PickOne loop whose SleepApp reads `sleep_time` from its
 * input port. The loops pass the rest array on at once, so every SleepApp sleeps in parallel.
 */
import assert from "node:assert/strict";
import { SessionStates } from "../../core/drops/states.ts";
import { DataDrop } from "../../core/drops/data_drop.ts";
import { decodeValue } from "../../core/apps/values.ts";
import { assertDropStates, dropsOf, EXPECTED, loadFixture, skippedIn } from "./_fixtures.ts";
import { runGraph } from "./_run.ts";
import { withNode } from "./_single.ts";

Deno.test("parallel_random_sleep.single.json runs to FINISHED, sleeping what the ports say", async () => {
  const graph = await loadFixture("parallel_random_sleep", "single");
  await withNode(async (call, nm) => {
    const out = await runGraph(call, "prs", graph, EXPECTED.parallel_random_sleep!.seconds * 1000);
    assert.deepEqual(out.final, [SessionStates.FINISHED]);
    assertDropStates(graph, out.graphStatus, new Set());
    assert.deepEqual(skippedIn(out.graphStatus), []);
    // Every element PickOne passed on is a JSON integer from RandomArrayApp's [0, 15).
    const session = nm.get("prs");
    const times = dropsOf(graph).filter((d) => d.name === "sleep_time").map((d) => {
      const drop = session.drop(d.oid) as DataDrop;
      return decodeValue(drop.store.bytes());
    });
    assert.equal(times.length, 150);
    for (const t of times) {
      assert.ok(Number.isInteger(t) && (t as number) >= 0 && (t as number) < 15, `${t}`);
    }
    // The loop passes the rest of the array on without waiting for the sleeps, so all 150 sleep
    // at once: the run takes at least the longest sleep plus the gathering SleepApp's 1 s.
    const longest = Math.max(...(times as number[]));
    assert.ok(out.seconds >= longest + 1, `ran ${out.seconds} s, longest sleep is ${longest} s`);
  });
});
