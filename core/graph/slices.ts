/**
 * Big appends are read in slices with the event loop let in between, so no single request holds
 * it for long (DESIGN §8: status stays answered while a maximal append is ingested).
 */

/** Work this long (ms) before letting timers and I/O run. */
export const SLICE_MS = 15;

/**
 * Resolves after pending I/O (and due timers) have had their turn. Deno's runtime polls its
 * sockets when the event loop has nothing ready to run: `setImmediate` chains never get there, a
 * `setTimeout(0)` does but waits out the timer's millisecond (~2.2 ms a yield on the benchmark
 * VM). Waiting on a tiny op run on the runtime's blocking pool (`stat` of "/") parks the loop
 * until it is done, and sockets are polled meanwhile: ~0.1-0.3 ms a yield, requests served as
 * promptly (docs/performance.md, "yielding to I/O"). Without read access, a timer turn.
 */
export function yieldLoop(): Promise<void> {
  return Deno.stat("/").then(
    () => {},
    () => new Promise<void>((r) => setTimeout(r, 0)),
  );
}

export interface TimeSlices {
  /** True once this slice has run its time. */
  due(): boolean;
  /** Let the event loop in, then start a new slice. */
  next(): Promise<void>;
}

/** A clock for one long job cut into slices of about `ms`. */
export function timeSlices(ms = SLICE_MS): TimeSlices {
  let start = performance.now();
  return {
    due: () => performance.now() - start >= ms,
    next: async () => {
      await yieldLoop();
      start = performance.now();
    },
  };
}
