/** What the REST layer needs from a manager, at any tier. */
import type { SseEvent, WatchOptions } from "../session/mod.ts";
import type { LostEvents } from "../wire/mod.ts";

export type MaybePromise<T> = T | Promise<T>;

export interface SessionSummary {
  sessionId: string;
  /** An int on a node; a map per child on composite managers. */
  status: unknown;
  size: number;
  /** When its deploy began and when it ended (ms since the epoch), once known. */
  started?: number;
  finished?: number;
  /**
   * Why the session broke: a child holding its Drops was lost (composite tiers), or an event for
   * another node was given up (a node).
   */
  lost?: string;
  /** With `lost`: the events given up, for a parent to deliver to the nodes waiting for them. */
  lostEvents?: LostEvents[];
}

export interface SessionDetails {
  status: unknown;
  graph: Record<string, unknown>;
  dir: unknown;
}

/** One reader of a session's event stream; `close` when the client goes away. */
export interface EventStream extends AsyncIterable<SseEvent> {
  close(): void;
}

export interface DropManager {
  readonly kind: "node" | "island" | "master";
  /** `GET /api`. */
  info(): MaybePromise<unknown>;
  /** The session (whatever the tier keeps of it); 404 NoSessionException if unknown. */
  get(sessionId: string): unknown;
  createSession(sessionId: string): MaybePromise<void>;
  sessions(): MaybePromise<SessionSummary[]>;
  /** `graph: false`: without the specs (`graph` is `{}`). */
  session(sessionId: string, graph?: boolean): MaybePromise<SessionDetails>;
  deleteSession(sessionId: string): MaybePromise<void>;
  sessionStatus(sessionId: string): MaybePromise<unknown>;
  sessionDir(sessionId: string): MaybePromise<unknown>;
  append(sessionId: string, items: Record<string, unknown>[]): MaybePromise<void>;
  /**
   * `graph/append` from the body's bytes: a node parses and appends, an island parses, a master
   * reads only what it routes by.
   */
  appendBytes(sessionId: string, bytes: Uint8Array): MaybePromise<void>;
  /** Take specs out of a session not yet deployed (rolls back a partly refused batch). */
  removeDrops(sessionId: string, oids: string[]): MaybePromise<void>;
  deploy(sessionId: string, completed: string[]): MaybePromise<void>;
  cancel(sessionId: string): MaybePromise<void>;
  graph(sessionId: string): MaybePromise<Record<string, unknown>>;
  graphStatus(sessionId: string): MaybePromise<Record<string, unknown>>;
  graphSize(sessionId: string): MaybePromise<number>;
  dropInfo(sessionId: string, oid: string): MaybePromise<unknown>;
  dropFile(sessionId: string, oid: string): MaybePromise<{ filepath: string }>;
  /**
   * `GET .../events`: the session's event stream from `lastId` on (DESIGN §7); 404 for an
   * unknown session before anything is streamed.
   */
  watch(sessionId: string, lastId?: number, o?: WatchOptions): MaybePromise<EventStream>;
  /** Stop: cancel running work, free timers. */
  stop(): MaybePromise<void>;
}
