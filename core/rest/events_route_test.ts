import assert from "node:assert/strict";
import { Hono } from "hono";
import { eventsRoute } from "./events_route.ts";
import type { DropManager } from "../manager/mod.ts";
import { EventLog } from "../session/mod.ts";

Deno.test("GET .../events: a big one-line event is written in slices, the same text as a small one's", async () => {
  const log = new EventLog();
  const big = Array.from({ length: 60_000 }, (_, i) => ({ oid: `drop-${i}`, status: 2 }));
  const text = JSON.stringify(big);
  assert.ok(text.length >= 1024 * 1024);
  log.push("drops", text);
  log.push("log", { msg: "two\nlines" });
  log.push("session", { status: 4 });
  log.end();
  const app = new Hono();
  const manager = { watch: () => log.read(() => ({ status: 4, drops: {} }), 0) };
  eventsRoute(app, manager as unknown as DropManager);
  const body = await (await app.request("/api/sessions/s/events")).text();
  const events = body.split("\n\n").filter((e) => e && !e.startsWith(":"));
  assert.deepEqual(events.map((e) => e.split("\n")[0]), [
    "event: drops",
    "event: log",
    "event: session",
  ]);
  const [head, data, id] = events[0]!.split("\n");
  assert.equal(head, "event: drops");
  assert.equal(data, `data: ${text}`);
  assert.equal(id, "id: 1");
  assert.equal(events[1], 'event: log\ndata: {"msg":"two\\nlines"}\nid: 2');
});
