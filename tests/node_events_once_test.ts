/**
 * Node-to-node calls are checked, not trusted (DESIGN §8, §9): each event is applied once, a
 * stray one changes nothing, and Drop bytes are taken only for a Drop a remote app produces,
 * once per such producer.
 */
import assert from "node:assert/strict";
import { appSpec, mem, withNode } from "./_util/inproc.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const PEER = "127.0.0.1:1:5555:6666";
const PRODUCER = 2;
const CONSUMER = 0;

Deno.test("POST .../events: a repeated or stray event changes nothing", async () => {
  await withNode(async (api) => {
    await api.session("s", [mem("D", { producers: ["P1", "P2"] })]);
    await api.post("/api/sessions/s/subscriptions", {
      [PEER]: [["P1", PRODUCER, "D"], ["P2", PRODUCER, "D"]],
    });
    await api.post("/api/sessions/s/deploy", "", FORM);
    const fin = (uid: string) => ({ type: "producerFinished", uid, to: "D", status: 2 });
    // P1 twice (a retry), P3 (no such edge), and a dropCompleted for a Drop not linked here.
    for (const ev of [fin("P1"), fin("P1"), fin("P3")]) {
      assert.equal((await api.post("/api/sessions/s/events", [ev])).status, 200);
    }
    await api.post("/api/sessions/s/events", [
      { type: "dropCompleted", uid: "X", status: 2, size: 0 },
    ]);
    const mid = await api.get("/api/sessions/s/graph/status");
    assert.deepEqual(mid.body, { D: { status: 0 } }, "one of two producers finished");
    await api.post("/api/sessions/s/events", [fin("P2"), fin("P2")]);
    await api.until("s", [4]);
    assert.deepEqual((await api.get("/api/sessions/s/graph/status")).body, { D: { status: 2 } });
  });
});

Deno.test("POST .../drops/<uid>/data: only for a remote producer's Drop, once per producer", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("D", { producers: ["P1", "P2"] }),
      appSpec("L", "SleepApp", { sleep_time: 30, outputs: ["E"] }),
      mem("E"),
      appSpec("C", "CopyApp", { inputs: ["R"] }),
    ]);
    await api.post("/api/sessions/s/subscriptions", {
      [PEER]: [["P1", PRODUCER, "D"], ["P2", PRODUCER, "D"], ["C", CONSUMER, "R"]],
    });
    await api.post("/api/sessions/s/deploy", "completed=L", FORM);
    const push = (uid: string) => api.post(`/api/sessions/s/drops/${uid}/data`, "ab");
    assert.equal((await push("D")).status, 200);
    assert.equal((await push("D")).status, 200);
    const third = await push("D");
    assert.equal(third.status, 400);
    assert.match(JSON.stringify(third.body), /came already/);
    // E's producer is local: no peer may write it.
    const local = await push("E");
    assert.equal(local.status, 400);
    assert.match(JSON.stringify(local.body), /no remote producer/);
    await api.post("/api/sessions/s/events", [
      { type: "producerFinished", uid: "P1", to: "D", status: 2 },
      { type: "producerFinished", uid: "P2", to: "D", status: 2 },
    ]);
    await api.post("/api/sessions/s/cancel");
    const d = await api.get("/api/sessions/s/graph/drop/D");
    assert.equal((d.body as { dropStatus: number }).dropStatus, 2);
  });
});

Deno.test("POST .../events: a remote producer's failure reaches the Drop with why", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("D", { producers: ["P1"], consumers: ["C"] }),
      appSpec("C", "CopyApp", { outputs: ["E"] }),
      mem("E"),
    ]);
    await api.post("/api/sessions/s/subscriptions", { [PEER]: [["P1", PRODUCER, "D"]] });
    await api.post("/api/sessions/s/deploy", "", FORM);
    await api.post("/api/sessions/s/events", [
      { type: "producerFinished", uid: "P1", to: "D", status: 3, error: "app P1 failed: boom" },
    ]);
    await api.until("s", [6]);
    const d = (await api.get("/api/sessions/s/graph/drop/D")).body as { error?: string };
    assert.equal(d.error, "app P1 failed: boom (on node 127.0.0.1:1)");
    const c = (await api.get("/api/sessions/s/graph/drop/C")).body as { error?: string };
    assert.equal(
      c.error,
      "1 of 1 inputs failed (threshold 0%): input D failed: app P1 failed: boom (on node 127.0.0.1:1)",
    );
    const s = (await api.get("/api/sessions/s")).body as { error?: string };
    assert.match(s.error ?? "", /boom/);
  });
});

Deno.test("POST .../drops/<uid>/data: no more than the Drop's declared size (413)", async () => {
  await withNode(async (api) => {
    await api.session("s", [mem("D", { producers: ["P1"], expectedSize: 4 })]);
    await api.post("/api/sessions/s/subscriptions", { [PEER]: [["P1", PRODUCER, "D"]] });
    await api.post("/api/sessions/s/deploy", "", FORM);
    const r = await api.post("/api/sessions/s/drops/D/data", "0123456789");
    assert.equal(r.status, 413);
    assert.match(JSON.stringify(r.body), /declares 4 bytes/);
    const d = await api.get("/api/sessions/s/graph/drop/D");
    assert.equal((d.body as { dropStatus: number }).dropStatus, 3, "D is in ERROR, with why");
  });
});

Deno.test("an event given up for an unreachable peer fails the running session with why, said as lost", async () => {
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  await withNode(async (api) => {
    // P here writes D, which lives on a peer nobody can reach; L keeps the session running.
    await api.session("s", [
      appSpec("P", "SleepApp", { sleep_time: 0, outputs: ["D"] }),
      appSpec("L", "SleepApp", { sleep_time: 30 }),
    ]);
    await api.post("/api/sessions/s/subscriptions", {
      [`127.0.0.1:${port}`]: [["P", PRODUCER, "D"]],
    });
    const states = (async () => {
      const events: { event: string; data: Record<string, unknown> }[] = [];
      const r = await api.nm.watch("s", undefined, { only: "session" });
      for await (const e of r) events.push({ event: e.event, data: JSON.parse(e.data) });
      return events;
    })();
    await api.post("/api/sessions/s/deploy", "completed=P,L", FORM);
    await api.until("s", [6]);
    const l = (await api.get("/api/sessions/s/graph/status")).body as Record<string, unknown>;
    assert.deepEqual(l.L, { status: 6, execStatus: 4 }, "what was left is cancelled");
    const s = (await api.get("/api/sessions/s")).body as { error?: string };
    assert.match(s.error ?? "", new RegExp(`events to http://127.0.0.1:${port}/.* lost after`));
    const end = (await states).at(-1)!;
    assert.equal(end.data.status, 6);
    assert.match(String(end.data.lost), /lost after/);
  }, { eventRetry: 300 });
});

Deno.test("edges are told apart whatever their UIDs hold (':' and '>' too)", async () => {
  // ("a>b" input of "c") and ("a" input of "b>c") once shared one key; each app must get its input.
  const INPUT = 5;
  await withNode(async (api) => {
    const barrier = "dlg.apps.simple.NullBarrierApp";
    await api.session("s", [appSpec("c", barrier), appSpec("b>c", barrier)]);
    const subs = await api.post("/api/sessions/s/subscriptions", {
      [PEER]: [["a>b", INPUT, "c"], ["a", INPUT, "b>c"]],
    });
    assert.equal(subs.status, 200);
    await api.post("/api/sessions/s/deploy", "", FORM);
    const done = (uid: string) => ({ type: "dropCompleted", uid, status: 2, size: 0 });
    assert.equal((await api.post("/api/sessions/s/events", [done("a>b"), done("a")])).status, 200);
    assert.equal(await api.until("s", [4]), 4);
    assert.deepEqual((await api.get("/api/sessions/s/graph/status")).body, {
      c: { status: 2, execStatus: 2 },
      "b>c": { status: 2, execStatus: 2 },
    });
  });
});

Deno.test("POST .../events: only a final state counts, and inline bytes after a push are refused", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("D", { producers: ["P1"], consumers: ["C"] }),
      appSpec("C", "CopyApp", { outputs: ["E"] }),
      mem("E"),
      appSpec("B", "CopyApp", { inputs: ["R"], outputs: ["F"] }),
      mem("F"),
    ]);
    await api.post("/api/sessions/s/subscriptions", {
      [PEER]: [["P1", PRODUCER, "D"], ["B", CONSUMER, "R"]],
    });
    await api.post("/api/sessions/s/deploy", "", FORM);
    // Early or made-up states: WRITING, INITIALIZED, CANCELLED change nothing.
    await api.post("/api/sessions/s/events", [
      { type: "dropCompleted", uid: "R", status: 1, size: 0 },
      { type: "producerFinished", uid: "P1", to: "D", status: 0 },
      { type: "producerFinished", uid: "P1", to: "D", status: 6 },
    ]);
    const mid = (await api.get("/api/sessions/s/graph/status")).body as Record<string, unknown>;
    assert.deepEqual([mid.D, mid.B], [{ status: 0 }, { status: 0, execStatus: 0 }]);
    // Pushed, then inline too: the second write is refused and the Drop says why.
    assert.equal((await api.post("/api/sessions/s/drops/D/data", "EVIL")).status, 200);
    await api.post("/api/sessions/s/events", [
      { type: "producerFinished", uid: "P1", to: "D", status: 2, data: btoa("x") },
    ]);
    const d = (await api.get("/api/sessions/s/graph/drop/D")).body as { error?: string };
    assert.match(String(d.error), /came twice/);
    await api.post("/api/sessions/s/cancel");
  });
});
