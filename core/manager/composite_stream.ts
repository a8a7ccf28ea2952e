/**
 * A composite manager's event stream for one session: its children's streams merged (Drop and
 * log events forwarded as received; OIDs are unique in a session) plus its own `session` events
 * carrying the status map per child. A child whose stream cannot be followed shows as FAILED
 * with the reason, never as a silent gap. One upstream connection per child, however many
 * clients read.
 */
import { type RawSessionEvent, rawSessionEvents } from "../client/mod.ts";
import { SessionStates } from "../drops/mod.ts";
import { EventLog, type EventReader } from "../session/mod.ts";
import type { Child, ChildError } from "./children.ts";
import { childError, describe } from "./children.ts";
import type { CompositeSession } from "./composite_session.ts";

const { FINISHED, CANCELLED, FAILED } = SessionStates;
/** Tries to follow a child's stream again (with `Last-Event-ID`) before calling it failed. */
const RECONNECTS = 3;

interface DropState {
  status: number;
  execStatus?: number;
}

export class CompositeStream {
  readonly #s: CompositeSession;
  readonly #log = new EventLog();
  readonly #abort = new AbortController();
  /** Each child's session status, as its stream last said. */
  #status = new Map<string, unknown>();
  #errors = new Map<string, string>();
  /** Every Drop's last state, for the snapshots of new readers. */
  #drops = new Map<string, DropState>();
  readonly ready: Promise<void>;

  constructor(s: CompositeSession) {
    this.#s = s;
    const children = s.targets();
    for (const c of children) this.#status.set(c.name, s.failed.has(c.name) ? FAILED : undefined);
    this.ready = new Promise((resolve) => {
      let waiting = children.length;
      const one = () => --waiting <= 0 && resolve();
      if (!waiting) resolve();
      for (const c of children) {
        if (s.failed.has(c.name)) {
          this.#errors.set(c.name, `${c.name} failed: ${describe(s.failed.get(c.name)!)}`);
          one();
        } else this.#follow(c, one);
      }
    });
    this.ready.then(() => this.#changed());
  }

  /** A reader from `lastId` on. */
  read(lastId?: number): EventReader {
    return this.#log.read(
      () => ({ ...this.#session(), drops: Object.fromEntries(this.#drops) }),
      lastId,
    );
  }

  close(): void {
    this.#abort.abort(new Error("session closed"));
    this.#log.close();
  }

  async #follow(c: Child, opened: () => void): Promise<void> {
    let lastEventId: number | undefined;
    let tries = 0;
    let first = true;
    while (!this.#abort.signal.aborted) {
      try {
        const events = rawSessionEvents(c.status, this.#s.id, {
          lastEventId,
          signal: this.#abort.signal,
        });
        for await (const e of events) {
          tries = 0;
          if (e.id !== undefined) lastEventId = e.id;
          this.#apply(c, e);
          if (first) {
            first = false;
            opened();
          }
        }
        if (isOver(this.#status.get(c.name))) return;
      } catch (e) {
        if (this.#abort.signal.aborted) return;
        if (++tries > RECONNECTS || isMissing(e)) return this.#lost(c, childError(e, c), opened);
      }
      await new Promise((r) => setTimeout(r, 250 * 2 ** tries));
    }
  }

  #apply(c: Child, e: RawSessionEvent): void {
    if (e.event === "drops") {
      for (const d of JSON.parse(e.data) as (DropState & { oid: string })[]) {
        this.#drops.set(d.oid, d.execStatus === undefined ? { status: d.status } : d);
      }
      this.#log.push("drops", e.data);
    } else if (e.event === "log") this.#log.push("log", e.data);
    else if (e.event === "snapshot" || e.event === "session") {
      const data = JSON.parse(e.data) as { status: unknown; error?: string; drops?: unknown };
      if (e.event === "snapshot" && data.drops && typeof data.drops === "object") {
        const drops = Object.entries(data.drops as Record<string, DropState>);
        for (const [oid, d] of drops) this.#drops.set(oid, d);
        if (drops.length) this.#log.push("drops", drops.map(([oid, d]) => ({ oid, ...d })));
      }
      this.#status.set(c.name, data.status);
      if (data.error) this.#errors.set(c.name, `${c.name}: ${data.error}`);
      this.#changed();
    }
  }

  /** A child's stream is gone for good: the child is FAILED for this session, with why. */
  #lost(c: Child, err: ChildError, opened: () => void): void {
    const why = `${c.name} event stream lost: ${describe(err)}`;
    if (this.#s.uses(c) && !this.#s.failed.has(c.name)) this.#s.failed.set(c.name, err);
    this.#status.set(c.name, FAILED);
    this.#errors.set(c.name, why);
    opened();
    this.#changed();
  }

  #session(): { status: Record<string, unknown>; error?: string } {
    const status: Record<string, unknown> = {};
    for (const [name, st] of this.#status) status[name] = st ?? SessionStates.PRISTINE;
    const errors = [...this.#errors.values()];
    return errors.length ? { status, error: errors.join("; ") } : { status };
  }

  /** Tell readers the status map, and end once every child is over. */
  #changed(): void {
    if (this.#log.ended) return;
    this.#log.push("session", this.#session());
    if ([...this.#status.values()].every(isOver)) this.#log.end();
  }
}

/** FINISHED, CANCELLED or FAILED, at any depth of a status map. */
function isOver(status: unknown): boolean {
  if (typeof status === "number") {
    return status === FINISHED || status === CANCELLED || status === FAILED;
  }
  if (status && typeof status === "object") return Object.values(status).every(isOver);
  return false;
}

/** The child no longer has the session (deleted, or the child restarted). */
function isMissing(e: unknown): boolean {
  return (e as { type?: string }).type === "NoSessionException";
}
