/** Session and Drop status as a client sees them: one state per session, Drops by state. */
import { AppStates, DropStates, sessionStateName, SessionStates } from "../drops/states.ts";
import type { BaseManagerClient } from "./managers.ts";
import type { GraphStatus } from "./types.ts";

const { RUNNING, FINISHED, CANCELLED, FAILED } = SessionStates;

/** FINISHED, CANCELLED and FAILED: the session will not change any more. */
export function isSessionOver(status: number | undefined): boolean {
  return status === FINISHED || status === CANCELLED || status === FAILED;
}

function leaves(status: unknown, out: number[]): number[] {
  if (typeof status === "number") out.push(status);
  else if (status && typeof status === "object") {
    for (const v of Object.values(status)) leaves(v, out);
  }
  return out;
}

/**
 * One state for a session status of any tier (an int, or a map per child, possibly nested).
 * While any child is still working, the most advanced working state (a mix of RUNNING and
 * FINISHED is RUNNING); once all are over, FAILED beats CANCELLED beats FINISHED. `undefined`
 * when there is no numeric state at all.
 */
export function reduceSessionStatus(status: unknown): number | undefined {
  const all = leaves(status, []);
  if (!all.length) return undefined;
  const working = all.filter((s) => !isSessionOver(s));
  if (working.length) return Math.max(...working);
  if (all.includes(FAILED)) return FAILED;
  if (all.includes(CANCELLED)) return CANCELLED;
  return FINISHED;
}

/** A session state's name (`RUNNING`), or `UNKNOWN`. */
export function sessionStatusName(status: number | undefined): string {
  return status === undefined ? "UNKNOWN" : sessionStateName(status);
}

/** Drops of a session by what they are doing. */
export interface DropCounts {
  total: number;
  /** Not started yet (INITIALIZED, app not running). */
  waiting: number;
  /** Apps running, data being written. */
  running: number;
  /** COMPLETED, or already EXPIRED/DELETED after completing. */
  done: number;
  error: number;
  cancelled: number;
  skipped: number;
}

export function countDrops(gs: GraphStatus): DropCounts {
  const c: DropCounts = {
    total: 0,
    waiting: 0,
    running: 0,
    done: 0,
    error: 0,
    cancelled: 0,
    skipped: 0,
  };
  for (const d of Object.values(gs)) {
    c.total++;
    switch (d.status) {
      case DropStates.COMPLETED:
      case DropStates.EXPIRED:
      case DropStates.DELETED:
        c.done++;
        break;
      case DropStates.ERROR:
        c.error++;
        break;
      case DropStates.CANCELLED:
        c.cancelled++;
        break;
      case DropStates.SKIPPED:
        c.skipped++;
        break;
      case DropStates.WRITING:
        c.running++;
        break;
      default:
        if (d.execStatus === AppStates.RUNNING) c.running++;
        else c.waiting++;
    }
  }
  return c;
}

export interface WaitOptions {
  /** Least time between polls (default 500 ms; slower when a poll takes long). */
  intervalMs?: number;
  /** Also fetch `graph/status` for Drop counts (default true). */
  drops?: boolean;
  /** Consecutive failed polls tolerated before giving up (default 5). */
  maxErrors?: number;
  signal?: AbortSignal;
  onProgress?: (p: SessionProgress) => void;
}

export interface SessionProgress {
  /** The reduced session state. */
  status: number | undefined;
  /** What the manager answered (a map per child at composite tiers). */
  raw: unknown;
  /** Drop counts, when fetched and available (after deploy). */
  drops?: DropCounts;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener("abort", abort);
    };
    const abort = () => {
      done();
      reject(signal!.reason);
    };
    const t = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener("abort", abort, { once: true });
  });
}

async function poll(client: BaseManagerClient, sid: string, drops: boolean) {
  const raw = await client.sessionStatus(sid);
  const status = reduceSessionStatus(raw);
  const p: SessionProgress = { status, raw };
  if (drops && status !== undefined && status >= RUNNING) {
    // A child still deploying may refuse graph/status for a moment: no counts this time.
    p.drops = await client.graphStatus(sid).then(countDrops, () => undefined);
  }
  return p;
}

/** Poll a session until it is FINISHED, CANCELLED or FAILED; the last progress seen. */
export async function waitForSession(
  client: BaseManagerClient,
  sessionId: string,
  o: WaitOptions = {},
): Promise<SessionProgress> {
  const every = o.intervalMs ?? 500;
  const maxErrors = o.maxErrors ?? 5;
  let errors = 0;
  while (true) {
    const t0 = Date.now();
    try {
      const p = await poll(client, sessionId, o.drops ?? true);
      errors = 0;
      o.onProgress?.(p);
      if (isSessionOver(p.status)) return p;
    } catch (e) {
      if (o.signal?.aborted || ++errors >= maxErrors) throw e;
    }
    const took = Date.now() - t0;
    await sleep(Math.min(Math.max(every - took, took), 5000), o.signal);
  }
}
