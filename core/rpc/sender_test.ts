import assert from "node:assert/strict";
import { EventSender } from "./sender.ts";
import type { WireEvent } from "../wire/mod.ts";

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
