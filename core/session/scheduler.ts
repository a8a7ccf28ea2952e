/**
 * Runs ready apps in order, in slices of a few milliseconds. Between slices it yields with
 * `setImmediate` (a `setTimeout(0)` costs a millisecond or more), but `setImmediate` alone does
 * not let Deno's HTTP server in: requests waited for the whole run (seconds). So once a run has
 * gone on for IO_EVERY_MS, the next slice waits for a timer turn, where I/O is served.
 */
import type { AppDrop } from "../drops/mod.ts";

const SLICE_MS = 4;
const IO_EVERY_MS = 10;

export class Scheduler {
  #queue: AppDrop[] = [];
  #head = 0;
  #scheduled = false;
  #stopped = false;
  /** When the run began, or last let I/O in. */
  #since = 0;
  #onError: (app: AppDrop, e: unknown) => void;

  constructor(onError: (app: AppDrop, e: unknown) => void) {
    this.#onError = onError;
  }

  push(app: AppDrop): void {
    this.#queue.push(app);
    if (!this.#scheduled && !this.#stopped) {
      this.#scheduled = true;
      this.#since = performance.now();
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
      if (performance.now() - this.#since < IO_EVERY_MS) setImmediate(this.#run);
      else setTimeout(this.#runAfterIo, 0);
    }
  };

  #runAfterIo = (): void => {
    this.#since = performance.now();
    this.#run();
  };
}
