/**
 * Runs ready apps in order, in slices of a few milliseconds so the HTTP server stays
 * responsive; yields with `setImmediate` (nested `setTimeout(0)` is clamped to milliseconds).
 */
import type { AppDrop } from "../drops/mod.ts";

const SLICE_MS = 4;

export class Scheduler {
  #queue: AppDrop[] = [];
  #head = 0;
  #scheduled = false;
  #stopped = false;
  #onError: (app: AppDrop, e: unknown) => void;

  constructor(onError: (app: AppDrop, e: unknown) => void) {
    this.#onError = onError;
  }

  push(app: AppDrop): void {
    this.#queue.push(app);
    if (!this.#scheduled && !this.#stopped) {
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  }

  /** Drop everything queued; nothing runs after this. */
  stop(): void {
    this.#stopped = true;
    this.#queue = [];
    this.#head = 0;
  }

  #run = (): void => {
    this.#scheduled = false;
    if (this.#stopped) return;
    const start = performance.now();
    let n = 0;
    while (this.#head < this.#queue.length) {
      const app = this.#queue[this.#head++]!;
      try {
        const r = app.execute();
        if (r) r.catch((e) => this.#onError(app, e));
      } catch (e) {
        this.#onError(app, e);
      }
      if ((++n & 63) === 0 && performance.now() - start > SLICE_MS) break;
    }
    if (this.#head >= this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else {
      if (this.#head > 4096) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      this.#scheduled = true;
      setImmediate(this.#run);
    }
  };
}
