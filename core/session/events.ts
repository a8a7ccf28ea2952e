/**
 * The per-session event bus. Every Drop state change, Drop log line and session state change is
 * published here once; the DLM watches Drops synchronously (no allocation), and stream listeners
 * (the SSE route, metrics, a manager's fan-in) get changes in batches, one per turn of the event
 * loop. With no stream listener a change costs one length check.
 */
import type { Drop, LogLine } from "../drops/mod.ts";

/** One Drop's new state, as `graph/status` shows it. */
export interface DropChange {
  oid: string;
  status: number;
  execStatus?: number;
}

export interface LogEvent {
  oid: string;
  level: string;
  message: string;
}

/** The session's state as `GET .../status` shows it (an int on a node, a map above). */
export interface SessionChange {
  status: unknown;
  error?: string;
}

/** What stream listeners receive, in the order it happened. */
export type BusEvent =
  | { event: "drops"; data: DropChange[] }
  | { event: "log"; data: LogEvent }
  | { event: "session"; data: SessionChange };

/** A batch of Drop changes leaves at this size, or once its first change is this old. */
const MAX_BATCH = 4096;
const MAX_WAIT_MS = 5;

export type DropWatcher = (drop: Drop, prev: number) => void;
export type StreamListener = (e: BusEvent) => void;

/**
 * A list of listeners, copied on change so that one removed while the list is being called
 * does not disturb the call; `add` returns the function that removes it.
 */
class Listeners<T> {
  #items: readonly T[] = [];

  get items(): readonly T[] {
    return this.#items;
  }

  add(x: T): () => void {
    this.#items = [...this.#items, x];
    return () => {
      this.#items = this.#items.filter((y) => y !== x);
    };
  }

  clear(): void {
    this.#items = [];
  }
}

/**
 * What watches a whole manager synchronously (metrics, logs): called on every change, with no
 * batch or object made for it, so the hot path stays one call.
 */
export interface ManagerWatcher {
  drop?(sessionId: string, drop: Drop, prev: number): void;
  session?(sessionId: string, change: SessionChange): void;
  log?(sessionId: string, drop: Drop, line: LogLine): void;
}

/**
 * A manager's fan-in: every session's changes, with the session id; watchers get them as they
 * happen, stream listeners in batches (which makes every session batch its changes).
 */
export class ManagerEvents {
  #listeners = new Listeners<(sessionId: string, e: BusEvent) => void>();
  #watchers = new Listeners<ManagerWatcher>();

  get active(): boolean {
    return this.#listeners.items.length > 0;
  }

  subscribe(fn: (sessionId: string, e: BusEvent) => void): () => void {
    return this.#listeners.add(fn);
  }

  /** Watch every session's changes synchronously; the returned function stops it. */
  watch(w: ManagerWatcher): () => void {
    return this.#watchers.add(w);
  }

  emit(sessionId: string, e: BusEvent): void {
    for (const l of this.#listeners.items) safely(() => l(sessionId, e));
  }

  dropChanged(sessionId: string, drop: Drop, prev: number): void {
    for (const w of this.#watchers.items) w.drop?.(sessionId, drop, prev);
  }

  sessionChanged(sessionId: string, change: SessionChange): void {
    for (const w of this.#watchers.items) safely(() => w.session?.(sessionId, change));
  }

  logged(sessionId: string, drop: Drop, line: LogLine): void {
    for (const w of this.#watchers.items) safely(() => w.log?.(sessionId, drop, line));
  }
}

export class SessionBus {
  readonly sessionId: string;
  #fanIn: ManagerEvents | undefined;
  #watchers = new Listeners<DropWatcher>();
  #listeners = new Listeners<StreamListener>();
  /** Listeners of session changes only (they do not make Drop changes batch). */
  #sessionListeners = new Listeners<(change: SessionChange) => void>();
  #pending: DropChange[] = [];
  #timer: ReturnType<typeof setImmediate> | undefined;
  #since = 0;

  constructor(sessionId: string, fanIn?: ManagerEvents) {
    this.sessionId = sessionId;
    this.#fanIn = fanIn;
  }

  /** Is anyone listening to the stream (not counting Drop watchers)? */
  get streaming(): boolean {
    return this.#listeners.items.length > 0 || this.#fanIn?.active === true;
  }

  /** Watch every Drop change synchronously; the returned function stops it. */
  watchDrops(fn: DropWatcher): () => void {
    return this.#watchers.add(fn);
  }

  /** Listen to the batched stream; the returned function stops listening. */
  subscribe(fn: StreamListener): () => void {
    return this.#listeners.add(fn);
  }

  /** Listen to the session's state changes only; the returned function stops listening. */
  onSession(fn: (change: SessionChange) => void): () => void {
    return this.#sessionListeners.add(fn);
  }

  /** A Drop's status or execStatus changed (`prev`: its status before). */
  drop(drop: Drop, prev: number, execStatus?: number): void {
    for (const w of this.#watchers.items) w(drop, prev);
    this.#fanIn?.dropChanged(this.sessionId, drop, prev);
    if (!this.streaming) return;
    const n = this.#pending.push(
      execStatus === undefined
        ? { oid: drop.oid, status: drop.status }
        : { oid: drop.oid, status: drop.status, execStatus },
    );
    if (n === 1) {
      this.#since = performance.now();
      // setImmediate, as the scheduler's slices: a timer would wait behind all of them.
      this.#timer = setImmediate(this.flush);
    } else if (
      n >= MAX_BATCH || ((n & 63) === 0 && performance.now() - this.#since > MAX_WAIT_MS)
    ) {
      // A busy loop may starve timers: events still leave in bounded batches, promptly.
      this.flush();
    }
  }

  log(drop: Drop, line: LogLine): void {
    this.#fanIn?.logged(this.sessionId, drop, line);
    if (!this.streaming) return;
    this.flush();
    this.#emit({ event: "log", data: { oid: drop.oid, level: line.level, message: line.message } });
  }

  session(change: SessionChange): void {
    this.#fanIn?.sessionChanged(this.sessionId, change);
    for (const l of this.#sessionListeners.items) safely(() => l(change));
    if (!this.streaming) return;
    this.flush();
    this.#emit({ event: "session", data: change });
  }

  /** Send the Drop changes batched so far. */
  flush = (): void => {
    if (this.#timer !== undefined) clearImmediate(this.#timer);
    this.#timer = undefined;
    if (!this.#pending.length) return;
    const data = this.#pending;
    this.#pending = [];
    this.#emit({ event: "drops", data });
  };

  /** Stop: pending changes are sent, timers freed. */
  close(): void {
    this.flush();
    this.#listeners.clear();
    this.#sessionListeners.clear();
    this.#watchers.clear();
  }

  #emit(e: BusEvent): void {
    for (const l of this.#listeners.items) safely(() => l(e));
    if (this.#fanIn?.active) this.#fanIn.emit(this.sessionId, e);
  }
}

function safely(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    console.error("session event listener failed:", err);
  }
}
