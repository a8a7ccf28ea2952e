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

export type DropWatcher = (drop: Drop, prev: number) => void;
export type StreamListener = (e: BusEvent) => void;

/** A manager's fan-in: every session's stream events, with the session id. */
export class ManagerEvents {
  #listeners: ((sessionId: string, e: BusEvent) => void)[] = [];

  get active(): boolean {
    return this.#listeners.length > 0;
  }

  subscribe(fn: (sessionId: string, e: BusEvent) => void): () => void {
    this.#listeners = [...this.#listeners, fn];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== fn);
    };
  }

  emit(sessionId: string, e: BusEvent): void {
    for (const l of this.#listeners) safely(() => l(sessionId, e));
  }
}

export class SessionBus {
  readonly sessionId: string;
  #fanIn: ManagerEvents | undefined;
  #watchers: DropWatcher[] = [];
  #listeners: StreamListener[] = [];
  #pending: DropChange[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(sessionId: string, fanIn?: ManagerEvents) {
    this.sessionId = sessionId;
    this.#fanIn = fanIn;
  }

  /** Is anyone listening to the stream (not counting Drop watchers)? */
  get streaming(): boolean {
    return this.#listeners.length > 0 || this.#fanIn?.active === true;
  }

  /** Watch every Drop change synchronously; the returned function stops it. */
  watchDrops(fn: DropWatcher): () => void {
    this.#watchers = [...this.#watchers, fn];
    return () => {
      this.#watchers = this.#watchers.filter((w) => w !== fn);
    };
  }

  /** Listen to the batched stream; the returned function stops listening. */
  subscribe(fn: StreamListener): () => void {
    this.#listeners = [...this.#listeners, fn];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== fn);
    };
  }

  /** A Drop's status or execStatus changed (`prev`: its status before). */
  drop(drop: Drop, prev: number, execStatus?: number): void {
    for (const w of this.#watchers) w(drop, prev);
    if (!this.streaming) return;
    this.#pending.push(
      execStatus === undefined
        ? { oid: drop.oid, status: drop.status }
        : { oid: drop.oid, status: drop.status, execStatus },
    );
    this.#timer ??= setTimeout(this.flush, 0);
  }

  log(drop: Drop, line: LogLine): void {
    if (!this.streaming) return;
    this.flush();
    this.#emit({ event: "log", data: { oid: drop.oid, level: line.level, message: line.message } });
  }

  session(change: SessionChange): void {
    if (!this.streaming) return;
    this.flush();
    this.#emit({ event: "session", data: change });
  }

  /** Send the Drop changes batched so far. */
  flush = (): void => {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (!this.#pending.length) return;
    const data = this.#pending;
    this.#pending = [];
    this.#emit({ event: "drops", data });
  };

  /** Stop: pending changes are sent, timers freed. */
  close(): void {
    this.flush();
    this.#listeners = [];
    this.#watchers = [];
  }

  #emit(e: BusEvent): void {
    for (const l of this.#listeners) safely(() => l(e));
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
