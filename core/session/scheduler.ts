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

/**
 * Apps per chunk of the queue. In the hierarchy a node queues many apps at once (94k at 4M
 * Drops): a queue in one array, copied every 4096 apps to drop the run ones and grown by copying,
 * held a 10M run for 33 of its 55 s on a node (each copy is fresh memory here). Chunks are never
 * copied.
 */
const CHUNK = 4096;

export class Scheduler {
  /** The queue: apps in push order, in chunks of at most CHUNK; the first is run from `#head`. */
  #chunks: AppDrop[][] = [];
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
    const chunks = this.#chunks;
    const last = chunks[chunks.length - 1];
    if (last && last.length < CHUNK) last.push(app);
    else chunks.push([app]);
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
    this.#chunks = [];
    this.#head = 0;
  }

  /** The next app to run, taken off the queue; undefined when it is empty. */
  #next(): AppDrop | undefined {
    for (;;) {
      const first = this.#chunks[0];
      if (!first) return undefined;
      if (this.#head < first.length) return first[this.#head++];
      this.#head = 0;
      if (this.#chunks.length === 1) this.#chunks = [];
      else this.#chunks.shift();
    }
  }

  #run = (): void => {
    if (this.#stopped) {
      this.#scheduled = false;
      return;
    }
    const start = performance.now();
    let n = 0;
    for (let app = this.#next(); app; app = this.#next()) {
      try {
        const r = app.execute();
        if (r) r.catch((e) => this.#onError(app!, e));
      } catch (e) {
        this.#onError(app, e);
      }
      if ((++n & 63) === 0 && performance.now() - start > SLICE_MS) break;
    }
    if (!this.#chunks.length) {
      this.#scheduled = false;
      return;
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
