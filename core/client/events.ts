/**
 * A session's event stream (`GET /api/sessions/<sid>/events`, DESIGN §7) read over the client's
 * transport: `snapshot`, then `drops`, `session` and `log` events until the session ends.
 */
import { EventSourceParserStream } from "eventsource-parser/stream";
import { sessionPath } from "../wire/mod.ts";
import { DlgClientError, responseError, type RestClient } from "./base.ts";
import type { DropStatus, GraphStatus, SessionStatus } from "./types.ts";

/** An event as received: its `data` still JSON text (a relay forwards it untouched). */
export interface RawSessionEvent {
  id: number | undefined;
  event: string;
  data: string;
}

/** The events of a session's stream, parsed. */
export type SessionEvent =
  | { id?: number; event: "snapshot"; data: { status: SessionStatus; drops: GraphStatus } }
  | { id?: number; event: "drops"; data: (DropStatus & { oid: string })[] }
  | { id?: number; event: "session"; data: { status: SessionStatus; error?: string } }
  | { id?: number; event: "log"; data: { oid: string; level: string; message: string } };

export interface EventsOptions {
  /** Resume after this event id (`Last-Event-ID`). */
  lastEventId?: number;
  signal?: AbortSignal;
  /** `"session"`: the session's state changes only, no Drop changes or log lines. */
  only?: "session";
  /** Milliseconds to wait for the stream to open (default 10 s); none once it is open. */
  connectTimeoutMs?: number;
}

/** The path of a session's event stream. */
export function eventsPath(sessionId: string): string {
  return sessionPath(sessionId, "/events");
}

/** The raw events of a session's stream; ends when the server ends it. */
export async function* rawSessionEvents(
  client: RestClient,
  sessionId: string,
  o: EventsOptions = {},
): AsyncGenerator<RawSessionEvent> {
  const path = eventsPath(sessionId) + (o.only ? `?only=${o.only}` : "");
  const connect = new AbortController();
  const wait = o.connectTimeoutMs ?? 10_000;
  const timer = setTimeout(
    () => connect.abort(new DOMException(`no answer within ${wait} ms`, "TimeoutError")),
    wait,
  );
  const headers: Record<string, string> = { accept: "text/event-stream" };
  if (o.lastEventId !== undefined) headers["last-event-id"] = String(o.lastEventId);
  const signal = o.signal ? AbortSignal.any([connect.signal, o.signal]) : connect.signal;
  let res: Response;
  try {
    res = await client.raw("GET", path, { headers, signal, timeoutMs: 0 });
  } finally {
    clearTimeout(timer);
  }
  if (!res.ok) throw await responseError(res, `GET ${path}`);
  if (!res.body) return;
  const events = res.body.pipeThrough(new TextDecoderStream())
    .pipeThrough(new EventSourceParserStream());
  try {
    for await (const e of events) {
      yield { id: e.id ? Number(e.id) : undefined, event: e.event ?? "message", data: e.data };
    }
  } catch (e) {
    if (o.signal?.aborted) throw o.signal.reason;
    throw new DlgClientError(0, "RestClientException", [
      `event stream from ${client.url}${path} broke: ${(e as Error).message}`,
    ]);
  }
}

/** The parsed events of a session's stream; ends when the server ends it. */
export async function* sessionEvents(
  client: RestClient,
  sessionId: string,
  o: EventsOptions = {},
): AsyncGenerator<SessionEvent> {
  for await (const e of rawSessionEvents(client, sessionId, o)) {
    yield { id: e.id, event: e.event, data: JSON.parse(e.data) } as SessionEvent;
  }
}

/** Does `e` say the manager has no event stream at all (DALiuGE itself)? */
export function noEventStream(e: unknown): boolean {
  return e instanceof DlgClientError && (e.status === 404 || e.status === 405) &&
    e.type !== "NoSessionException";
}
