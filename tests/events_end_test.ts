/**
 * A session's event stream tells the whole story before it ends (DESIGN §7): when a session is
 * cancelled, or an EndDROP ends it, the Drops it stops are published before the terminal
 * `session` event (the stream ends there, so anything later would never reach a reader).
 */
import assert from "node:assert/strict";
import { NodeManager } from "../core/manager/mod.ts";
import { withNode } from "./_util/inproc.ts";
import { chainGraph } from "./bench/one_node.ts";

const mem = (oid: string, extra = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.memory.InMemoryDROP",
  ...extra,
});
const app = (oid: string, cls: string, extra = {}) => ({
  oid,
  categoryType: "Application",
  dropclass: `dlg.apps.simple.${cls}`,
  ...extra,
});

/** Each Drop's last state on the stream, and the last event's name. */
async function follow(nm: NodeManager, sid: string, start: () => void) {
  const states: Record<string, number> = {};
  let last = "";
  const read = (async () => {
    for await (const e of nm.watch(sid)) {
      last = e.event;
      const data = JSON.parse(e.data);
      if (e.event === "snapshot") {
        for (const [oid, d] of Object.entries(data.drops)) {
          states[oid] = (d as { status: number }).status;
        }
      }
      if (e.event === "drops") { for (const d of data) states[d.oid] = d.status; }
    }
  })();
  start();
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([
    read,
    new Promise((_, no) => {
      timer = setTimeout(() => no(new Error("stream did not end")), 10_000);
    }),
  ]).finally(() => clearTimeout(timer));
  return { states, last };
}

Deno.test("cancel publishes each cancelled Drop before the CANCELLED session event", async () => {
  await withNode(async ({ nm }) => {
    nm.createSession("c");
    await nm.append("c", [
      mem("A", { pydata: "x", consumers: ["B"] }),
      app("B", "SleepAndCopyApp", { sleep_time: 30, outputs: ["C"] }),
      mem("C"),
    ]);
    const { states, last } = await follow(nm, "c", () => {
      nm.deploy("c", ["A"]);
      setTimeout(() => nm.cancel("c"), 200);
    });
    assert.equal(last, "session");
    assert.deepEqual(states, { A: 2, B: 6, C: 6 });
    assert.deepEqual(
      Object.fromEntries(
        Object.entries(nm.graphStatus("c")).map(([k, v]) => [k, (v as { status: number }).status]),
      ),
      states,
    );
  });
});

Deno.test("an EndDROP publishes the Drops it skips before the session ends", async () => {
  await withNode(async ({ nm }) => {
    nm.createSession("e");
    await nm.append("e", [
      app("A", "NullBarrierApp", { outputs: ["END"] }),
      { oid: "END", categoryType: "Data", dropclass: "dlg.data.drops.data_base.EndDROP" },
      app("B", "SleepApp", { sleep_time: 5, outputs: ["X"] }),
      mem("X"),
    ]);
    const { states, last } = await follow(nm, "e", () => nm.deploy("e", ["A"]));
    assert.equal(last, "session");
    assert.equal(states.END, 2);
    assert.equal(states.B, 7);
    assert.equal(states.X, 7);
  });
});

Deno.test("a big session is cancelled in slices: every Drop, then the CANCELLED session event", async () => {
  await withNode(async ({ nm }) => {
    nm.createSession("big");
    const { specs } = chainGraph(250, 100); // 25k Drops: past SLICED_CANCEL_AT
    await nm.append("big", specs);
    let cancelled: unknown;
    const { states, last } = await follow(nm, "big", () => {
      // Nothing started: every Drop waits; cancelled once deployed (a sliced build).
      Promise.resolve(nm.deploy("big", [])).then(() => cancelled = nm.cancel("big"));
    });
    assert.ok(cancelled instanceof Promise, "a big cancel is sliced");
    await cancelled;
    assert.equal(last, "session");
    assert.equal(Object.keys(states).length, 25_000);
    assert.ok(Object.values(states).every((s) => s === 6), "every Drop CANCELLED");
    assert.equal(nm.sessionStatus("big"), 5);
  });
});
