/**
 * Runs ready apps in order, in short slices (SLICE_MS, below). Between slices it yields with
 * `setImmediate` (the cheapest turn), but that alone never lets Deno's HTTP server in: requests
 * waited for the whole run (seconds). So once a run has gone IO_EVERY_MS without, the next slice
 * waits for a turn where sockets are polled: a quick one (`yieldIo`), or a full one
 * (`yieldLoop`) once FULL_TURN_MS have gone by without.
 */
import type { AppDrop } from "../drops/mod.ts";
import { FULL_TURN_MS, yieldIo, yieldLoop } from "../graph/mod.ts";

/**
 * While a run streams its events, Deno's loop did not park at all (strace: no `epoll_wait` for
 * 100-250 ms, with `yieldIo` or timers alike) and requests got in only in bursts that far apart:
 * sockets are then polled at the runtime's periodic check, which (as tokio's event interval)
 * counts loop turns, not time. Short slices make the turns come faster: 4 ms slices held the
 * event-stream probes 110-190 ms (p99), 0.5 ms 68-91 ms, with no throughput lost. With sockets
 * polled every 8 turns (`NODE_ENV`), 0.5 ms gave 17.7-21.3 ms and 0.25 ms 13.4-15.6 ms (p50 5.5
 * -> 3.7 ms), the run as long.
 */
const SLICE_MS = 0.25;
const IO_EVERY_MS = 5;

export class Scheduler {
  #queue: AppDrop[] = [];
  #head = 0;
  /** A slice is queued (an immediate or a timer): pushes only add to the queue. */
  #scheduled = false;
  #stopped = false;
  /** When this run began, or last let I/O in. */
  #ioSeen = 0;
  /** When this run began, or last had a full turn. */
  #fullSeen = 0;
  #onError: (app: AppDrop, e: unknown) => void;

  constructor(onError: (app: AppDrop, e: unknown) => void) {
    this.#onError = onError;
  }

  push(app: AppDrop): void {
    this.#queue.push(app);
    if (!this.#scheduled && !this.#stopped) {
      // Apps a run makes ready are pushed while it is scheduled: they do not restart its clock.
      this.#scheduled = true;
      this.#ioSeen = this.#fullSeen = performance.now();
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
    const now = performance.now();
    if (now - this.#ioSeen < IO_EVERY_MS) setImmediate(this.#run);
    else if (now - this.#fullSeen < FULL_TURN_MS) yieldIo().then(this.#runAfterIo);
    else {
      this.#fullSeen = now;
      yieldLoop().then(this.#runAfterIo);
    }
  };

  #runAfterIo = (): void => {
    this.#ioSeen = performance.now();
    this.#run();
  };
}
