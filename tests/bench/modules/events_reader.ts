/**
 * A Web Worker that reads a session's event stream to its end, keeping the raw bytes, and only
 * then parses them and posts how many Drops it saw COMPLETED: a client that costs the machine
 * as little as possible while the latency probes run (like wrk for the status row).
 */
/// <reference lib="deno.worker" />
import { EventSourceParserStream } from "eventsource-parser/stream";
import { eventsPath, NodeManagerClient } from "../../../core/client/mod.ts";

self.onmessage = async (m: MessageEvent<{ url: string; sessionId: string }>) => {
  const c = new NodeManagerClient(m.data.url);
  const res = await c.raw("GET", eventsPath(m.data.sessionId), {
    timeoutMs: 0,
    headers: { accept: "text/event-stream" },
  });
  const chunks: Uint8Array<ArrayBuffer>[] = [];
  for await (const chunk of res.body!) chunks.push(chunk);
  const completed = new Set<string>();
  let status: unknown;
  let events = 0;
  const parsed = new Blob(chunks).stream().pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  for await (const e of parsed) {
    events++;
    const data = JSON.parse(e.data);
    if (e.event === "drops") {
      for (const d of data as { oid: string; status: number }[]) {
        if (d.status === 2) completed.add(d.oid);
      }
    }
    if (e.event === "session") status = data.status;
  }
  self.postMessage({ completed: completed.size, status, events });
};
