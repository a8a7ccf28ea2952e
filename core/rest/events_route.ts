/**
 * `GET /api/sessions/<sid>/events` at every tier (DESIGN §7): the session's event stream as
 * server-sent events, from a `snapshot` (or what a reconnecting client missed, by
 * `Last-Event-ID`) to the terminal `session` event, with a keep-alive comment every 15 s.
 */
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { DropManager } from "../manager/mod.ts";
import { sseBytes } from "../session/mod.ts";

/** Milliseconds between keep-alive comments on an idle stream (default). */
export const KEEPALIVE_MS = 15_000;

export function eventsRoute(app: Hono, manager: DropManager, keepAliveMs = KEEPALIVE_MS): void {
  app.get("/api/sessions/:sid/events", async (c) => {
    const last = c.req.header("last-event-id") ?? c.req.query("lastEventId");
    const lastId = last !== undefined && /^\d+$/.test(last) ? Number(last) : undefined;
    // Unknown session: 404 before anything is streamed.
    const only = c.req.query("only") === "session" ? "session" : undefined;
    const events = await manager.watch(c.req.param("sid"), lastId, { only });
    return streamSSE(c, async (stream) => {
      stream.onAbort(() => events.close());
      const keepAlive = setInterval(() => {
        stream.write(": keep-alive\n\n").catch(() => events.close());
      }, keepAliveMs);
      try {
        for await (const e of events) {
          if (stream.aborted) break;
          if (e.sliced) {
            // A big snapshot: one `data:` line (JSON has no raw newlines), made in slices.
            await stream.write(`event: ${e.event}\ndata: `);
            for await (const p of e.sliced.pieces()) {
              if (stream.aborted) break;
              await stream.write(p);
            }
            await stream.write(`\nid: ${e.id}\n\n`);
          } else await stream.write(sseBytes(e));
        }
      } finally {
        clearInterval(keepAlive);
        events.close();
      }
    });
  });
}
