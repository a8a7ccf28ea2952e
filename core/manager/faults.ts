/**
 * What a composite manager does about its children's faults (DESIGN §9): a child's session
 * list is remembered per session (history survives the child), a child that is down or lost a
 * session fails the sessions with Drops on it, a broken session's other children are cancelled,
 * and a child that comes back has its part of the failed sessions cancelled (and the sessions
 * deleted meanwhile deleted).
 */
import { type Child, type ChildError, describe, fanOut } from "./children.ts";
import type { CompositeSession } from "./composite_session.ts";
import type { SessionSummary } from "./types.ts";

export class Faults {
  readonly #sessions: () => Iterable<CompositeSession>;
  /** Calls left running in the background (cancels after a loss, calls to returning children). */
  #background = new Set<Promise<unknown>>();
  /** Each broken session's cancel of its other children. */
  #cancelling = new WeakMap<CompositeSession, Promise<void>>();

  constructor(sessions: () => Iterable<CompositeSession>) {
    this.#sessions = sessions;
  }

  /** Follow a new session: once it breaks, its other children are cancelled. */
  follow(s: CompositeSession): void {
    s.watch({ lost: () => void this.cancelRest(s) });
  }

  /**
   * `c`'s session list: each session's status there is remembered, a loss below `c` breaks the
   * session here too, and a session `c` no longer has (it restarted) fails unless its part was
   * already over. `started`: when the question left.
   */
  answered(c: Child, list: SessionSummary[], started: number): void {
    const byId = new Map(list.map((x) => [x.sessionId, x]));
    for (const s of this.#sessions()) {
      if (!s.children.includes(c)) continue;
      const got = byId.get(s.id);
      if (got) {
        s.statusOf(c, got);
        if (typeof got.lost === "string") s.breakDown(`${c.name}: ${got.lost}`);
      } else if (s.createdAt < started) {
        s.fail(c, {
          type: "NoSessionException",
          args: [`${c.name} lost session ${s.id} (restarted?)`],
        });
      }
    }
  }

  /** `c` is down: every session with Drops on it (and not over there) fails. */
  down(c: Child, err: ChildError): void {
    for (const s of this.#sessions()) if (s.children.includes(c)) s.fail(c, err);
  }

  /** `c` is back: its part of failed sessions is cancelled, deletes it missed are done. */
  back(c: Child): void {
    for (const s of this.#sessions()) {
      if (s.failed.has(c.name)) this.#track(c.client.cancelSession(s.id)).catch(() => {});
    }
    for (const sid of c.pendingDeletes) {
      c.pendingDeletes.delete(sid);
      this.#track(c.client.destroySession(sid)).catch(() => {});
    }
  }

  /** The session broke: what runs on its other children stops (no zombie work). */
  cancelRest(s: CompositeSession): Promise<void> {
    let p = this.#cancelling.get(s);
    if (!p) {
      const live = s.children.filter((c) => !c.down && !s.failed.has(c.name));
      p = this.#track(fanOut(live, (c) => c.client.cancelSession(s.id)).then(() => {}));
      this.#cancelling.set(s, p);
    }
    return p;
  }

  /** Wait for the calls still running. */
  async stop(): Promise<void> {
    await Promise.allSettled(this.#background);
  }

  #track<T>(p: Promise<T>): Promise<T> {
    this.#background.add(p);
    p.finally(() => this.#background.delete(p)).catch(() => {});
    return p;
  }
}

/** Why the session failed at this tier: its lost or failed children, each named. */
export function failures(s: CompositeSession): string[] {
  const out = [...s.failed].map(([name, e]) => `${name} failed: ${describe(e)}`);
  if (s.lost && !out.includes(s.lost)) out.unshift(s.lost);
  return out;
}
