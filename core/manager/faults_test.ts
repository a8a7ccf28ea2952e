import assert from "node:assert/strict";
import { NodeManagerClient } from "../client/mod.ts";
import { parseNode, type WireEvent } from "../wire/mod.ts";
import { Child } from "./children.ts";
import { CompositeSession, Phase } from "./composite_session.ts";
import { Faults, lostEventsOf } from "./faults.ts";

const ERROR_EVENT: WireEvent = {
  type: "producerFinished",
  uid: "P",
  to: "D",
  status: 3,
  error: "event producerFinished of P could not be delivered: lost",
};

Deno.test("lostEventsOf keeps a well formed list and ignores a bad one", () => {
  const good = [{ node: "http://127.0.0.1:1", events: [ERROR_EVENT] }];
  assert.deepEqual(lostEventsOf(good), good);
  assert.deepEqual(lostEventsOf(undefined), []);
  assert.deepEqual(lostEventsOf([{ node: 1, events: [] }]), []);
  assert.deepEqual(lostEventsOf({ node: "x" }), []);
  assert.equal(lostEventsOf(Array.from({ length: 20 }, () => good[0])).length, 8, "bounded");
});

Deno.test("Faults: a broken session's lost events reach the waiting node before the cancels; a dead node holds nothing up", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    seen.push(`${req.method} ${path} ${req.method === "POST" ? await req.text() : ""}`.trim());
    return Response.json({ Status: "Success" });
  });
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const dead = `http://127.0.0.1:${l.addr.port}`;
  l.close();
  const live = `http://127.0.0.1:${server.addr.port}`;
  const child = new Child(parseNode(live));
  const s = new CompositeSession("s", [child]);
  s.parts = new Set([0]);
  s.phase = Phase.DEPLOYED;
  const faults = new Faults(
    () => [s],
    (node) => new NodeManagerClient(node, { timeoutMs: 2_000 }),
  );
  faults.follow(s);
  try {
    s.breakDown("n1: events lost", [
      { node: dead, events: [ERROR_EVENT] },
      { node: live, events: [ERROR_EVENT] },
    ]);
    await faults.cancelRest(s);
    assert.deepEqual(seen, [
      `POST /api/sessions/s/events ${JSON.stringify([ERROR_EVENT])}`,
      "POST /api/sessions/s/cancel",
    ]);
  } finally {
    await faults.stop();
    await server.shutdown();
  }
});
