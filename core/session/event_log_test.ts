import assert from "node:assert/strict";
import { EventLog, sseBytes } from "./event_log.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("an event's SSE bytes are hono's writeSSE format, made once for every reader", () => {
  const e = { id: 7, event: "drops", data: '[{"oid":"a","status":2}]' };
  const b = sseBytes(e);
  assert.equal(text(b), 'event: drops\ndata: [{"oid":"a","status":2}]\nid: 7\n\n');
  assert.equal(sseBytes(e), b);
  const multi = { id: 8, event: "log", data: "one\r\ntwo\nthree" };
  assert.equal(text(sseBytes(multi)), "event: log\ndata: one\ndata: two\ndata: three\nid: 8\n\n");
});

Deno.test("readers of one log share the event objects (and so their bytes)", async () => {
  const log = new EventLog();
  const snapshot = () => ({ status: 0, drops: {} });
  const r1 = log.read(snapshot, 0);
  const r2 = log.read(snapshot, 0);
  log.push("drops", [{ oid: "a", status: 2 }]);
  log.end();
  const all = async (r: AsyncIterable<{ id: number }>) => {
    const out = [];
    for await (const e of r) out.push(e);
    return out;
  };
  const [a, b] = await Promise.all([all(r1), all(r2)]);
  assert.equal(a.length, 1);
  assert.equal(a[0], b[0]);
});
