/**
 * `GET /api/sessions/<sid>/events` at every tier (DESIGN §7): the session's event stream as
 * server-sent events, from a `snapshot` (or what a reconnecting client missed, by
 * `Last-Event-ID`) to the terminal `session` event, with a keep-alive comment every 15 s.
 */
import type { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { DropManager } from "../manager/mod.ts";
import { slicedPieces } from "../graph/mod.ts";
import { sseBytes, type SseEvent } from "../session/mod.ts";

/** Events with this much data (characters) on one line are written in slices. */
const BIG_EVENT = 1024 * 1024;
/** Characters of a big event's data written at a time. */
const PIECE = 256 * 1024;

/**
 * A big event of one line (a composite's `drops` event from a child's snapshot: 500k Drops
 * made 20 MB, encoded in one go it held an island 115 ms); one with raw line breaks (a foreign
 * child's multi-line data) is written as SSE spells those, at once.
 */
function isBig(e: SseEvent): boolean {
  return !e.bytes && e.data.length >= BIG_EVENT && !/[\r\n]/.test(e.data);
}

function* textPieces(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += PIECE) yield text.slice(at, at + PIECE);
}

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
          const pieces = e.sliced?.pieces() ?? (isBig(e) ? slicedPieces(textPieces(e.data)) : null);
          if (pieces) {
            // A big event: one `data:` line (JSON has no raw newlines), written in slices.
            await stream.write(`event: ${e.event}\ndata: `);
            for await (const p of pieces) {
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
