/**
 * Runs ready apps in order, in slices of a few milliseconds. Between slices it yields with
 * `setImmediate` (a `setTimeout(0)` costs a millisecond or more), but `setImmediate` alone does
 * not let Deno's HTTP server in: requests waited for the whole run (seconds). So a timer is kept
 * armed while the scheduler runs; when it has not fired for IO_EVERY_MS, the next slice waits
 * for a timer turn, where I/O is served.
 */
import type { AppDrop } from "../drops/mod.ts";

const SLICE_MS = 4;
const IO_EVERY_MS = 10;

export class Scheduler {
  #queue: AppDrop[] = [];
  #head = 0;
  /** A slice is queued (an immediate or a timer): pushes only add to the queue. */
  #scheduled = false;
  #stopped = false;
  /** When a timer turn (I/O served) was last seen. */
  #ioSeen = 0;
  /** The timer that proves a turn is armed and has not fired yet. */
  #probing = false;
  #onError: (app: AppDrop, e: unknown) => void;

  constructor(onError: (app: AppDrop, e: unknown) => void) {
    this.#onError = onError;
  }

  push(app: AppDrop): void {
    this.#queue.push(app);
    if (!this.#scheduled && !this.#stopped) {
      this.#scheduled = true;
      // A run that starts after a timer turn has its full IO_EVERY_MS; one that starts while
      // the last probe is still waiting (the loop kept busy since) does not.
      if (!this.#probing) this.#ioSeen = performance.now();
      this.#probe();
      setImmediate(this.#run);
    }
  }

  /** Drop everything queued; nothing runs after this. */
  stop(): void {
    this.#stopped = true;
    this.#queue = [];
    this.#head = 0;
  }

  #probe(): void {
    if (this.#probing) return;
    this.#probing = true;
    setTimeout(this.#turn, 0);
  }

  #turn = (): void => {
    this.#probing = false;
    this.#ioSeen = performance.now();
  };

  #run = (): void => {
    if (this.#stopped) {
      this.#scheduled = false;
      return;
    }
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
      this.#scheduled = false;
      return;
    }
    if (this.#head > 4096) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    if (performance.now() - this.#ioSeen < IO_EVERY_MS) {
      this.#probe();
      setImmediate(this.#run);
    } else setTimeout(this.#runAfterIo, 0);
  };

  #runAfterIo = (): void => {
    this.#ioSeen = performance.now();
    this.#run();
  };
}
