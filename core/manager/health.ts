/**
 * A composite manager's periodic health check: every child is asked for its sessions (short
 * timeout). A child that does not answer is marked down, and so is every session it holds; a
 * child that answers but lost a session (restarted) fails that session.
 */
import { type Child, childError } from "./children.ts";
import type { CompositeSession } from "./composite_session.ts";

export interface HealthOptions {
  children: () => readonly Child[];
  sessions: () => Iterable<CompositeSession>;
  periodMs: number;
}

export class Health {
  #o: HealthOptions;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  constructor(o: HealthOptions) {
    this.#o = o;
    if (o.periodMs > 0) this.#schedule();
  }

  #schedule(): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.check().finally(() => {
        this.#running = undefined;
        this.#schedule();
      });
    }, this.#o.periodMs);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  /** One round over every child. */
  async check(): Promise<void> {
    const started = Date.now();
    await Promise.all(
      this.#o.children().map(async (c) => {
        let ids: Set<string>;
        try {
          const list = await c.status.sessions();
          ids = new Set(list.map((x) => x.sessionId));
          c.down = undefined;
          c.downSince = undefined;
        } catch (e) {
          const err = childError(e, c);
          c.down = String((err.args as unknown[])[0] ?? err.type);
          c.downSince ??= Date.now();
          for (const s of this.#o.sessions()) {
            if (s.uses(c) && !s.failed.has(c.name)) s.failed.set(c.name, err);
          }
          return;
        }
        for (const s of this.#o.sessions()) {
          if (s.createdAt >= started || !s.uses(c) || s.failed.has(c.name)) continue;
          if (!ids.has(s.id)) {
            s.failed.set(c.name, {
              type: "NoSessionException",
              args: [`${c.name} lost session ${s.id} (restarted?)`],
            });
          }
        }
      }),
    );
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#running;
  }
}
