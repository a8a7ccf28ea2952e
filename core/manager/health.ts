/**
 * A composite manager's health checks: each child is asked for its sessions every period (with
 * jitter), on its own schedule so one stalled child delays no other. A child that has not
 * answered for `childTimeoutMs` is down; a down child is asked less often (backoff with jitter)
 * until it answers again and is back.
 */
import { jitter } from "../client/mod.ts";
import { SESSIONS_PATH } from "../wire/mod.ts";
import type { SessionSummary } from "./types.ts";
import { type Child, type ChildError, childError, describe, STATUS_MS } from "./children.ts";

export interface HealthOptions {
  children: () => readonly Child[];
  /** Milliseconds between checks of a child that answers (0: no checks). */
  periodMs: number;
  /** Milliseconds without an answer before a child is down. */
  childTimeoutMs: number;
  /** A child answered with its sessions (`started`: when the question left). */
  onAnswer(c: Child, list: SessionSummary[], started: number): void;
  /** A child just went down, with why. */
  onDown(c: Child, err: ChildError): void;
  /** A child that was down answers again. */
  onBack(c: Child): void;
}

/** Longest wait between checks of a child that is down. */
const MAX_BACKOFF_MS = 10_000;

export class Health {
  #o: HealthOptions;
  #timers = new Map<Child, ReturnType<typeof setTimeout>>();
  #tickTimer: ReturnType<typeof setTimeout> | undefined;
  #running = new Set<Promise<void>>();
  /** Children whose going down was announced (a deploy may mark one down before that). */
  #announced = new WeakSet<Child>();
  /** Checks of each down child since it went down (its backoff). */
  #downChecks = new Map<Child, number>();
  #stopped = false;

  constructor(o: HealthOptions) {
    this.#o = o;
    if (o.periodMs > 0) this.#tick();
  }

  /** Start checking children added since (called every period for the list as it is). */
  #tick(): void {
    if (this.#stopped) return;
    const children = this.#o.children();
    for (const c of children) {
      if (!this.#timers.has(c)) this.#schedule(c, jitter(this.#o.periodMs, 0.1));
    }
    for (const c of this.#timers.keys()) {
      if (!children.includes(c)) {
        clearTimeout(this.#timers.get(c));
        this.#timers.delete(c);
      }
    }
    this.#tickTimer = setTimeout(() => this.#tick(), this.#o.periodMs);
    Deno.unrefTimer(this.#tickTimer as unknown as number);
  }

  #schedule(c: Child, ms: number): void {
    const t = setTimeout(() => {
      const p = this.checkOne(c).finally(() => {
        this.#running.delete(p);
        if (this.#stopped || !this.#timers.has(c)) return;
        const n = this.#downChecks.get(c) ?? 0;
        const wait = c.down
          ? Math.min(this.#o.periodMs * 2 ** Math.min(n, 8), MAX_BACKOFF_MS)
          : this.#o.periodMs;
        this.#schedule(c, jitter(wait, 0.1));
      });
      this.#running.add(p);
    }, ms);
    Deno.unrefTimer(t as unknown as number);
    this.#timers.set(c, t);
  }

  /** Ask every child once (tests; the timers do this on their own). */
  async check(): Promise<void> {
    await Promise.all(this.#o.children().map((c) => this.checkOne(c)));
  }

  /** Ask `c` for its sessions; down after `childTimeoutMs` without an answer. */
  async checkOne(c: Child): Promise<void> {
    const started = Date.now();
    let list: SessionSummary[];
    try {
      const timeoutMs = Math.min(STATUS_MS * c.depth, this.#o.childTimeoutMs);
      list = await c.status.request<SessionSummary[]>("GET", SESSIONS_PATH, { timeoutMs });
    } catch (e) {
      if (c.down) this.#downChecks.set(c, (this.#downChecks.get(c) ?? 0) + 1);
      if (this.#announced.has(c) || Date.now() - c.lastOk < this.#o.childTimeoutMs) return;
      const err = childError(e, c);
      const secs = this.#o.childTimeoutMs / 1000;
      const why = `no answer to health checks for ${secs} s (last: ${describe(err)})`;
      c.down = why;
      this.#announced.add(c);
      this.#o.onDown(c, { type: err.type, args: [why] });
      return;
    }
    c.lastOk = Date.now();
    this.#downChecks.delete(c);
    this.#announced.delete(c);
    if (c.down) {
      c.down = undefined;
      this.#o.onBack(c);
    }
    this.#o.onAnswer(c, list, started);
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#tickTimer);
    for (const t of this.#timers.values()) clearTimeout(t);
    this.#timers.clear();
    await Promise.all(this.#running);
  }
}
