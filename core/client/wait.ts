/**
 * Waiting for a session to end: by following its event stream (reconnecting with
 * `Last-Event-ID` when it breaks), or, against a manager without one (DALiuGE itself), by
 * polling `/status` and `graph/status`.
 */
import { SessionStates } from "../drops/mod.ts";
import { noEventStream, sessionEvents } from "./events.ts";
import { pause } from "./retry.ts";
import type { BaseManagerClient } from "./managers.ts";
import { countDrops, type DropCounts, isSessionOver, reduceSessionStatus } from "./status.ts";
import type { DropStatus } from "./types.ts";

export interface WaitOptions {
  /** Least time between progress reports, and between polls without a stream (default 500 ms). */
  intervalMs?: number;
  /** Also report Drop counts (default true). */
  drops?: boolean;
  /** Consecutive failed reads tolerated before giving up (default 5). */
  maxErrors?: number;
  signal?: AbortSignal;
  onProgress?: (p: SessionProgress) => void;
}

export interface SessionProgress {
  /** The reduced session state. */
  status: number | undefined;
  /** What the manager answered (a map per child at composite tiers). */
  raw: unknown;
  /** Drop counts, when available (after deploy). */
  drops?: DropCounts;
  /** Why the session failed, when the manager says. */
  error?: string;
}

/** Wait until the session is FINISHED, CANCELLED or FAILED; the last progress seen. */
export async function waitForSession(
  client: BaseManagerClient,
  sessionId: string,
  o: WaitOptions = {},
): Promise<SessionProgress> {
  const r = await followSession(client, sessionId, o);
  return r ?? await pollSession(client, sessionId, o);
}

/** Follow the event stream to the end; `undefined` when the manager has none. */
async function followSession(
  client: BaseManagerClient,
  sessionId: string,
  o: WaitOptions,
): Promise<SessionProgress | undefined> {
  const drops = new Map<string, DropStatus>();
  const p: SessionProgress = { status: undefined, raw: undefined };
  let lastEventId: number | undefined;
  let errors = 0;
  let shown = 0;
  const report = (force: boolean) => {
    if (!o.onProgress || (!force && Date.now() - shown < (o.intervalMs ?? 500))) return;
    shown = Date.now();
    if (o.drops ?? true) p.drops = drops.size ? countDrops(drops) : undefined;
    o.onProgress({ ...p });
  };
  while (true) {
    try {
      for await (const e of sessionEvents(client, sessionId, { lastEventId, signal: o.signal })) {
        errors = 0;
        if (e.id !== undefined) lastEventId = e.id;
        if (e.event === "snapshot") {
          drops.clear();
          for (const [oid, d] of Object.entries(e.data.drops ?? {})) drops.set(oid, d);
        } else if (e.event === "drops") {
          for (const d of e.data) drops.set(d.oid, d);
        } else if (e.event !== "session") continue;
        if (e.event !== "drops") {
          p.raw = e.data.status;
          p.status = reduceSessionStatus(p.raw);
          p.error = (e.data as { error?: string }).error;
        }
        report(e.event !== "drops");
      }
      if (isSessionOver(p.status)) break;
    } catch (e) {
      if (o.signal?.aborted) throw e;
      if (lastEventId === undefined && noEventStream(e)) return undefined;
      if (++errors >= (o.maxErrors ?? 5)) throw e;
    }
    await pauseOrThrow(Math.min(200 * 2 ** errors, 5000), o.signal);
  }
  // The terminal `session` event was reported already.
  if (o.drops ?? true) p.drops = drops.size ? countDrops(drops) : undefined;
  return p;
}

/** Poll `/status` (and `graph/status` for counts) until the session ends. */
async function pollSession(
  client: BaseManagerClient,
  sessionId: string,
  o: WaitOptions,
): Promise<SessionProgress> {
  const every = o.intervalMs ?? 500;
  let errors = 0;
  while (true) {
    const t0 = Date.now();
    try {
      const raw = await client.sessionStatus(sessionId);
      const p: SessionProgress = { status: reduceSessionStatus(raw), raw };
      if ((o.drops ?? true) && p.status !== undefined && p.status >= SessionStates.RUNNING) {
        // A child still deploying may refuse graph/status for a moment: no counts this time.
        p.drops = await client.graphStatus(sessionId).then(countDrops, () => undefined);
      }
      errors = 0;
      o.onProgress?.(p);
      if (isSessionOver(p.status)) return p;
    } catch (e) {
      if (o.signal?.aborted || ++errors >= (o.maxErrors ?? 5)) throw e;
    }
    const took = Date.now() - t0;
    await pauseOrThrow(Math.min(Math.max(every - took, took), 5000), o.signal);
  }
}

/** A pause that throws the abort reason when `signal` aborts. */
async function pauseOrThrow(ms: number, signal?: AbortSignal): Promise<void> {
  await pause(ms, signal);
  if (signal?.aborted) throw signal.reason;
}
