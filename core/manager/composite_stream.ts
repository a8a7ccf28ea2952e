/**
 * A composite manager's event stream for one session: its children's streams merged (Drop and
 * log events forwarded as received; OIDs are unique in a session) plus its own `session` events
 * carrying the status map per child (and `lost`, why the session broke). A child the health
 * checks call down, or that lost the session, shows as FAILED with the reason, never as a
 * silent gap. One upstream connection per child, however many clients read.
 */
import { jitter, pause, type RawSessionEvent, rawSessionEvents } from "../client/mod.ts";
import { SessionStates } from "../drops/mod.ts";
import {
  type DropState,
  EventLog,
  type EventReader,
  SLICED_SNAPSHOT_AT,
  SlicedSnapshot,
  type WatchOptions,
} from "../session/mod.ts";
import { type Child, childError, describe, fanOut } from "./children.ts";
import { type CompositeSession, isOver, Phase } from "./composite_session.ts";
import { lostEventsOf } from "./faults.ts";
import { readSnapshot } from "./child_snapshot.ts";
import type { LostEvents } from "../wire/mod.ts";

const { CANCELLED, FAILED, FINISHED } = SessionStates;
/** Longest pause between tries to follow a child's stream again (with `Last-Event-ID`). */
const MAX_RETRY_MS = 2_000;
/** New readers wait this long at most for a child's first events. */
const READY_MS = 2_000;

/** A child's `session` event, or its snapshot but the Drops. */
interface ChildSession {
  status?: unknown;
  error?: string;
  lost?: unknown;
  lostEvents?: unknown;
}

/** The `session` events of a composite tier: its status map, and why it broke. */
interface SessionEvent {
  status: Record<string, unknown>;
  error?: string;
  lost?: string;
  lostEvents?: LostEvents[];
}

export class CompositeStream {
  readonly #s: CompositeSession;
  readonly #log: EventLog;
  readonly #abort = new AbortController();
  /** Each followed child's own abort (it failed: nothing it says counts any more). */
  readonly #kids = new Map<string, AbortController>();
  /** Each child's session status, as its stream last said. */
  #status = new Map<string, unknown>();
  #errors = new Map<string, string>();
  /** The last `session` event, as sent. */
  #said = "";
  /** Every Drop's last state, for the snapshots of new readers. */
  #drops = new Map<string, DropState>();
  readonly #unwatch: () => void;
  #readyTimer: ReturnType<typeof setTimeout> | undefined;
  #readyNow: () => void = () => {};
  readonly ready: Promise<void>;

  readonly #only: WatchOptions["only"];
  /**
   * Made before the deploy: the children's first snapshots had no Drops, and their streams
   * then say only what changes, so Drops that have not changed yet are asked for once.
   */
  #unfilled: boolean;
  #filling: Promise<void> | undefined;

  /** `after`: the last event id of the stream this one follows on from (ids go on from it). */
  constructor(s: CompositeSession, o: WatchOptions = {}, after = 0) {
    this.#s = s;
    this.#only = o.only;
    this.#log = new EventLog(after);
    this.#unfilled = o.only !== "session" && s.phase < Phase.DEPLOYED;
    this.#unwatch = s.watch({
      failed: (name, why) => {
        this.#kids.get(name)?.abort(new Error(why));
        this.#status.set(name, FAILED);
        this.#errors.set(name, why);
        this.#changed();
      },
      lost: () => this.#changed(),
      // Parts with no Drops here are done once deployed, even one that never heard the deploy.
      deployed: () => {
        for (const c of s.children) {
          if (!s.uses(c) && !isOver(this.#status.get(c.name))) this.#status.set(c.name, FINISHED);
        }
        this.#changed();
      },
    });
    const follow = s.children.filter((c) => !c.down && !s.failed.has(c.name));
    for (const c of s.children) {
      this.#status.set(c.name, follow.includes(c) ? undefined : s.statusOf(c));
      if (s.failed.has(c.name)) {
        this.#errors.set(c.name, `${c.name} failed: ${describe(s.failed.get(c.name)!)}`);
      }
    }
    this.ready = new Promise((resolve) => {
      this.#readyNow = resolve;
      let waiting = follow.length;
      const timer = this.#readyTimer = setTimeout(resolve, READY_MS);
      const one = () => {
        if (--waiting > 0) return;
        clearTimeout(timer);
        resolve();
      };
      if (!waiting) one();
      for (const c of follow) this.#follow(c, once(one));
    });
    this.ready.then(() => this.#changed());
  }

  /** Has the terminal event gone out? */
  get ended(): boolean {
    return this.#log.ended;
  }

  get lastId(): number {
    return this.#log.lastId;
  }

  /**
   * Every Drop in new readers' snapshots: once the session is deployed, a stream made before
   * asks the children for the states of Drops none of their events has named yet.
   */
  complete(): Promise<void> {
    if (!this.#unfilled || this.#s.phase !== Phase.DEPLOYED) return Promise.resolve();
    return this.#filling ??= this.#fill();
  }

  async #fill(): Promise<void> {
    const s = this.#s;
    const kids = s.children.filter((c) => s.uses(c) && !c.down && !s.failed.has(c.name));
    const r = await fanOut(kids, (c) => c.bulk.graphStatus(s.id));
    for (const states of r.ok.values()) {
      for (const [oid, d] of Object.entries(states as Record<string, DropState>)) {
        if (!this.#drops.has(oid)) this.#drops.set(oid, d);
      }
    }
    this.#unfilled = false;
  }

  /** The session was deleted: what still ran is CANCELLED, and that is the last event. */
  deleted(): void {
    for (const [name, st] of this.#status) if (!isOver(st)) this.#status.set(name, CANCELLED);
    this.#changed();
    this.close();
  }

  /** A reader from `lastId` on. */
  read(lastId?: number): EventReader {
    return this.#log.read(() => {
      // A big session's states are captured now and written in slices, as a node's are.
      const head = this.#session();
      if (this.#drops.size >= SLICED_SNAPSHOT_AT) {
        return new SlicedSnapshot({ ...head }, this.#drops);
      }
      return { ...head, drops: Object.fromEntries(this.#drops) };
    }, lastId);
  }

  close(): void {
    clearTimeout(this.#readyTimer);
    this.#readyNow();
    this.#unwatch();
    this.#abort.abort(new Error("session closed"));
    this.#log.close();
  }

  /**
   * Follow `c`'s stream to the end, again after a break (backoff with jitter). Whether a
   * silent child is down is for the health checks to say; a child without the session fails it.
   */
  async #follow(c: Child, opened: () => void): Promise<void> {
    const own = new AbortController();
    this.#kids.set(c.name, own);
    const signal = AbortSignal.any([this.#abort.signal, own.signal]);
    let lastEventId: number | undefined;
    let tries = 0;
    while (!signal.aborted) {
      try {
        const events = rawSessionEvents(c.status, this.#s.id, {
          lastEventId,
          signal,
          only: this.#only,
        });
        for await (const e of events) {
          tries = 0;
          if (e.id !== undefined) lastEventId = e.id;
          await this.#apply(c, e);
          opened();
        }
        if (isOver(this.#status.get(c.name))) return;
      } catch (e) {
        if (signal.aborted) return;
        if (isMissing(e) && !this.#s.fail(c, childError(e, c))) return this.#gone(c, opened);
        if (c.down) return this.#gone(c, opened);
        tries++;
      }
      await pause(jitter(Math.min(250 * 2 ** tries, MAX_RETRY_MS)), signal);
    }
  }

  /** `c` is not followed any more: it shows as the session remembers it. */
  #gone(c: Child, opened: () => void): void {
    if (!this.#s.failed.has(c.name)) this.#status.set(c.name, this.#s.statusOf(c));
    opened();
    this.#changed();
  }

  async #apply(c: Child, e: RawSessionEvent): Promise<void> {
    if (e.event === "drops") {
      for (const d of JSON.parse(e.data) as (DropState & { oid: string })[]) {
        this.#drops.set(d.oid, d.execStatus === undefined ? { status: d.status } : d);
      }
      this.#log.push("drops", e.data);
    } else if (e.event === "log") this.#log.push("log", e.data);
    else if (e.event === "snapshot" || e.event === "session") {
      const data = e.event === "session"
        ? JSON.parse(e.data) as ChildSession
        : await this.#snapshot(e.data);
      if (this.#abort.signal.aborted) return;
      if (typeof data.lost === "string") {
        this.#s.breakDown(`${c.name}: ${data.lost}`, lostEventsOf(data.lostEvents));
      }
      if (this.#s.failed.has(c.name)) return;
      this.#status.set(c.name, this.#s.statusOf(c, data));
      if (data.error) this.#errors.set(c.name, `${c.name}: ${data.error}`);
      this.#changed();
    }
  }

  /**
   * A child's snapshot: its Drops' states kept, and told to readers as one `drops` event, its
   * text made Drop by Drop as they are read (in one go it held an island 100 ms at 500k Drops).
   */
  async #snapshot(text: string): Promise<ChildSession> {
    const told: string[] = [];
    const head = await readSnapshot(text, (oid, d) => {
      this.#drops.set(oid, d);
      told.push(JSON.stringify({ oid, ...d }));
    });
    if (told.length && !this.#abort.signal.aborted) this.#log.push("drops", `[${told.join(",")}]`);
    return head as ChildSession;
  }

  #session(): SessionEvent {
    const status: Record<string, unknown> = {};
    for (const [name, st] of this.#status) {
      status[name] = this.#s.shown(st ?? SessionStates.PRISTINE);
    }
    const errors = [...this.#errors.values()];
    const lost = this.#s.lost;
    if (lost && !errors.includes(lost)) errors.unshift(lost);
    const out: SessionEvent = { status };
    if (errors.length) out.error = errors.join("; ");
    if (lost) out.lost = lost;
    if (lost && this.#s.lostEvents.length) out.lostEvents = this.#s.lostEvents;
    return out;
  }

  /** Tell readers the status map, and end once every child is over. */
  #changed(): void {
    if (this.#log.ended) return;
    const event = this.#session();
    // Said when it changes (a child repeating its status, or its snapshot, changes nothing),
    // and last of all, the terminal event.
    const text = JSON.stringify(event);
    const over = Object.values(event.status).every(isOver);
    if (text !== this.#said || over) this.#log.push("session", this.#said = text);
    if (over) this.#log.end();
  }
}

/** The child no longer has the session (deleted, or the child restarted). */
function isMissing(e: unknown): boolean {
  return (e as { type?: string }).type === "NoSessionException";
}

function once(fn: () => void): () => void {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
