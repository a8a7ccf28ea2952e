import assert from "node:assert/strict";
import { EventSender } from "./sender.ts";
import { MAX_LOST_EVENTS } from "../wire/mod.ts";
import { DropStates } from "../drops/mod.ts";
import type { LostEvents, WireEvent } from "../wire/mod.ts";

Deno.test("EventSender coalesces one turn's events per peer and session into one POST", async () => {
  const posts: { path: string; events: WireEvent[] }[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    posts.push({ path: new URL(req.url).pathname, events: await req.json() });
    return Response.json({ Status: "Success" });
  });
  const peer = `http://127.0.0.1:${server.addr.port}`;
  const sender = new EventSender();
  try {
    for (let i = 0; i < 1000; i++) {
      sender.send(peer, "s1", { type: "dropCompleted", uid: `d${i}`, status: 2, size: 0 });
    }
    sender.send(peer, "s 2", { type: "producerFinished", uid: "a", to: "d", status: 2 });
    await sender.drain();
    posts.sort((a, b) => a.path.localeCompare(b.path));
    assert.deepEqual(posts.map((p) => [p.path, p.events.length]), [
      ["/api/sessions/s%202/events", 1],
      ["/api/sessions/s1/events", 1000],
    ]);
    assert.equal(posts[1]!.events[999]!.uid, "d999");
  } finally {
    await sender.stop();
    await server.shutdown();
  }
});

Deno.test("EventSender holds what comes while a post awaits its answer, and sends it as the next post", async () => {
  const posts: number[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    posts.push((await req.json()).length);
    await new Promise((r) => setTimeout(r, 500));
    return Response.json({ Status: "Success" });
  });
  const peer = `http://127.0.0.1:${server.addr.port}`;
  const sender = new EventSender();
  const ev = (i: number) => ({ type: "dropCompleted" as const, uid: `d${i}`, status: 2, size: 0 });
  try {
    sender.send(peer, "s", ev(0));
    await new Promise((r) => setTimeout(r, 30));
    // Over many turns while the first post waits for its answer.
    for (let i = 1; i <= 50; i++) {
      sender.send(peer, "s", ev(i));
      await new Promise((r) => setTimeout(r, 0));
    }
    await sender.drain();
    assert.deepEqual(posts, [1, 50]);
  } finally {
    await sender.stop();
    await server.shutdown();
  }
});

Deno.test("EventSender hands a batch it gives up to onLost: the peer, and its events as ERRORs saying why", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const peer = `http://127.0.0.1:${l.addr.port}`;
  l.close();
  const lost: unknown[][] = [];
  const sender = new EventSender({ retryMs: 200, onLost: (...a) => lost.push(a) });
  try {
    for (let i = 0; i < MAX_LOST_EVENTS + 5; i++) {
      sender.send(peer, "s", { type: "producerFinished", uid: "P", to: `D${i}`, status: 2 });
    }
    await sender.drain(5_000);
    assert.equal(lost.length, 1);
    const [sid, why, { node, events }] = lost[0] as [string, string, LostEvents];
    assert.equal(sid, "s");
    assert.match(why, /^events to http:\/\/127\.0\.0\.1:\d+\/api\/sessions\/s\/events lost after/);
    assert.equal(node, peer);
    assert.equal(events.length, MAX_LOST_EVENTS, "bounded");
    assert.deepEqual(events[0], {
      type: "producerFinished",
      uid: "P",
      to: "D0",
      status: DropStates.ERROR,
      error: `event producerFinished of P could not be delivered: ${why}`,
    });
  } finally {
    await sender.stop();
  }
});
