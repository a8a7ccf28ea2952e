/**
 * A Web Worker that reads a session's event stream to its end and posts how many Drops it saw
 * COMPLETED, so that the reader's parsing does not delay the latency probes of the main thread.
 */
/// <reference lib="deno.worker" />
import { NodeManagerClient } from "../../../core/client/mod.ts";

self.onmessage = async (m: MessageEvent<{ url: string; sessionId: string }>) => {
  const c = new NodeManagerClient(m.data.url);
  const completed = new Set<string>();
  let status: unknown;
  let events = 0;
  for await (const e of c.sessionEvents(m.data.sessionId)) {
    events++;
    if (e.event === "drops") { for (const d of e.data) if (d.status === 2) completed.add(d.oid); }
    if (e.event === "session") status = e.data.status;
  }
  self.postMessage({ completed: completed.size, status, events });
};
