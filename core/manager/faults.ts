/**
 * What a composite manager does about its children's faults (DESIGN §9): a child's session
 * list is remembered per session (history survives the child), a child that is down or lost a
 * session fails the sessions with Drops on it, a broken session's other children are cancelled
 * (after the events a node gave up are delivered, as ERRORs, to the nodes waiting for them), and
 * a child that comes back has its part of the failed sessions cancelled (and the sessions deleted
 * meanwhile deleted).
 */
import * as v from "valibot";
import type { NodeManagerClient } from "../client/mod.ts";
import { type LostEvents, LostEventsList, sessionPath } from "../wire/mod.ts";
import { type Child, type ChildError, describe, fanOut } from "./children.ts";
import type { CompositeSession } from "./composite_session.ts";
import type { SessionSummary } from "./types.ts";

/** The node manager a parent reaches for `node` (a URL), or none (not its to reach). */
export type ReachNode = (node: string) => NodeManagerClient | undefined;

/** A child's `lostEvents`, as much of it as is well formed (a child's bad answer is ignored). */
export function lostEventsOf(x: unknown): LostEvents[] {
  if (x === undefined) return [];
  const r = v.safeParse(LostEventsList, x);
  return r.success ? r.output.slice(0, 8) : [];
}

export class Faults {
  readonly #sessions: () => Iterable<CompositeSession>;
  /** Calls left running in the background (cancels after a loss, calls to returning children). */
  #background = new Set<Promise<unknown>>();
  /** Each broken session's cancel of its other children. */
  #cancelling = new WeakMap<CompositeSession, Promise<void>>();

  readonly #reach: ReachNode;

  constructor(sessions: () => Iterable<CompositeSession>, reach: ReachNode = () => undefined) {
    this.#sessions = sessions;
    this.#reach = reach;
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
        if (typeof got.lost === "string") {
          s.breakDown(`${c.name}: ${got.lost}`, lostEventsOf(got.lostEvents));
        }
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

  /**
   * `c` is back: its part of failed sessions is cancelled (once a deploy in progress is over),
   * deletes it missed are done.
   */
  back(c: Child): void {
    for (const s of this.#sessions()) {
      if (!s.failed.has(c.name)) continue;
      const cancel = async () => {
        await s.deploying;
        await c.client.cancelSession(s.id);
      };
      this.#track(cancel()).catch(() => {});
    }
    for (const sid of c.pendingDeletes) {
      c.pendingDeletes.delete(sid);
      this.#track(c.client.destroySession(sid)).catch(() => {});
    }
  }

  /**
   * The session broke: once a deploy in progress is over, the events a node gave up are
   * delivered, as ERRORs saying why, to the nodes waiting for them (their Drops fail with the
   * reason); then what runs on its other children stops (no zombie work).
   */
  cancelRest(s: CompositeSession): Promise<void> {
    let p = this.#cancelling.get(s);
    if (!p) {
      const cancel = async () => {
        await s.deploying;
        await this.#deliverLost(s);
        const live = s.children.filter((c) => !c.down && !s.failed.has(c.name));
        await fanOut(live, (c) => c.client.cancelSession(s.id));
      };
      p = this.#track(cancel());
      this.#cancelling.set(s, p);
    }
    return p;
  }

  /**
   * Deliver what a node below gave up, where this tier reaches the node. The node applies each
   * event once, so one that did get there (or that another tier delivers too) changes nothing.
   */
  async #deliverLost(s: CompositeSession): Promise<void> {
    await Promise.allSettled(s.lostEvents.map(async ({ node, events }) => {
      const client = this.#reach(node);
      if (client) await client.request("POST", sessionPath(s.id, "/events"), { json: events });
    }));
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
