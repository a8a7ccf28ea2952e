/** The node's tier-to-tier routes: subscriptions, events, Drop bytes. */
import assert from "node:assert/strict";
import { appSpec, mem, withNode } from "./_util/inproc.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

Deno.test("POST .../subscriptions takes DALiuGE's body and rejects anything else", async () => {
  await withNode(async (api) => {
    await api.session("s", [appSpec("B", "CopyApp", { outputs: ["C"] }), mem("C")]);
    for (const body of [[], { peer: "x" }, { peer: [["A", 9, "B"]] }, { peer: [["A", 0]] }]) {
      const r = await api.post("/api/sessions/s/subscriptions", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((r.body as { type: string }).type, "DaliugeException");
    }
    const ok = await api.post("/api/sessions/s/subscriptions", {
      "127.0.0.1:1:5555:6666": [["B", 0, "A"]],
    });
    assert.deepEqual(ok.body, { Status: "Success" });
    assert.equal((await api.post("/api/sessions/x/subscriptions", {})).status, 404);
    // B's input A is remote: deploy accepts it and B waits for it.
    await api.post("/api/sessions/s/deploy", "", FORM);
    assert.equal((await api.get("/api/sessions/s/status")).body, 3);
    // A's completion arrives as an event, with its bytes inline: B copies them into C.
    const ev = await api.post("/api/sessions/s/events", [
      { type: "dropCompleted", uid: "A", status: 2, size: 2, data: btoa("hi") },
    ]);
    assert.deepEqual(ev.body, { Status: "Success" });
    await api.until("s", [4]);
    const c = await api.get("/api/sessions/s/graph/status");
    assert.deepEqual(c.body, { B: { status: 2, execStatus: 2 }, C: { status: 2 } });
    const bytes = await api.get("/api/sessions/s/drops/C/data");
    assert.equal(bytes.status, 200);
    assert.equal(bytes.body, "hi");
  });
});

Deno.test("Drop bytes: reading a Drop not COMPLETED is 400, an unknown one 404", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("B", "SleepApp", { sleep_time: 30, outputs: ["C"] }),
      mem("C"),
    ]);
    await api.post("/api/sessions/s/deploy", "completed=B", FORM);
    const r = await api.get("/api/sessions/s/drops/C/data");
    assert.equal(r.status, 400);
    assert.equal((r.body as { type: string }).type, "InvalidSessionState");
    assert.equal((await api.get("/api/sessions/s/drops/nope/data")).status, 404);
    const bad = await api.post("/api/sessions/s/events", [{ type: "nope", uid: "A", status: 2 }]);
    assert.equal(bad.status, 400);
    await api.post("/api/sessions/s/cancel");
  });
});
