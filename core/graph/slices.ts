/**
 * Big appends are read in slices with the event loop let in between, so no single request holds
 * it for long (DESIGN §8: status stays answered while a maximal append is ingested).
 */

/** Work this long (ms) before letting timers and I/O run. */
export const SLICE_MS = 15;

/** Resolves after pending timers and I/O have had their turn (a macrotask, not a microtask). */
export function yieldLoop(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
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
