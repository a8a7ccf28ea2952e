/** A cancel's Drop changes reach the event stream before the terminal `session` event ends it. */
import assert from "node:assert/strict";
import { appSpec, mem, withNode } from "./_util/inproc.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

Deno.test("GET .../events: cancelled Drops are streamed before the CANCELLED session event", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("S", "SleepApp", { sleep_time: 30, outputs: ["D"] }),
      mem("D"),
    ]);
    await api.post("/api/sessions/s/deploy", "completed=S", FORM);
    const reader = api.nm.watch("s");
    await api.post("/api/sessions/s/cancel");
    const drops = new Map<string, number>();
    let end: unknown;
    for await (const e of reader) {
      const data = JSON.parse(e.data);
      if (e.event === "snapshot") {
        for (const [oid, d] of Object.entries(data.drops)) {
          drops.set(oid, (d as { status: number }).status);
        }
      } else if (e.event === "drops") {
        for (const d of data as { oid: string; status: number }[]) drops.set(d.oid, d.status);
      } else if (e.event === "session") end = data;
    }
    assert.deepEqual(end, { status: 5 });
    assert.deepEqual(Object.fromEntries(drops), { S: 6, D: 6 });
  });
});
