/**
 * Big appends are read in slices with the event loop let in between, so no single request holds
 * it for long (DESIGN §8: status stays answered while a maximal append is ingested).
 */

/** Work this long (ms) before letting timers and I/O run. */
export const SLICE_MS = 15;

/** The scheduler's full turn (`yieldLoop`) at least this often (ms), quick ones (`yieldIo`) between. */
export const FULL_TURN_MS = 40;

/**
 * Resolves after pending timers and I/O have had a full turn: a `setTimeout(0)` waits out the
 * timer's millisecond (~2.2 ms a yield on the benchmark VM) with the loop parked, and Deno polls
 * its sockets as often as they need meanwhile (`setImmediate` chains never let them in).
 */
export function yieldLoop(): Promise<void> {
  return new Promise((r) => setTimeout(r, 0));
}

/**
 * A quick turn for I/O: waiting on a tiny op run on the runtime's blocking pool (`stat` of "/")
 * parks the loop until it is done and sockets are polled meanwhile: ~0.1-0.3 ms, but fewer steps
 * of a request get done than in a full turn (on a busy machine, requests waited twice as long
 * with quick turns alone): the scheduler mixes both. Without read access, a full turn.
 */
export function yieldIo(): Promise<void> {
  return Deno.stat("/").then(() => {}, yieldLoop);
}

export interface TimeSlices {
  /** True once this slice has run its time. */
  due(): boolean;
  /** Let the event loop in, then start a new slice. */
  next(): Promise<void>;
}

/**
 * A clock for one long job cut into slices of about `ms`, each followed by a full turn: quick
 * turns between slices made a status request wait ~40% longer on a busy machine (a full turn
 * every 40 ms: 168-170 ms against 117-128 ms while a 10 MB append was read).
 */
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

/** Characters of text gathered into each piece by `slicedPieces`. */
const PIECE_CHARS = 256 * 1024;

/**
 * `parts` joined into pieces of about PIECE_CHARS characters (big JSON answers and snapshots),
 * the event loop let in whenever a slice has run its time; made only as fast as they are taken.
 * Bytes (a child's answer, forwarded as received) go out as they are, between the texts.
 */
export async function* slicedPieces(
  parts: Iterable<string | Uint8Array>,
): AsyncGenerator<string | Uint8Array> {
  const slices = timeSlices();
  let buf: string[] = [];
  let size = 0;
  for (const p of parts) {
    if (typeof p !== "string") {
      if (buf.length) yield buf.join("");
      buf = [];
      size = 0;
      yield p;
    } else {
      buf.push(p);
      size += p.length;
      if (size < PIECE_CHARS && !slices.due()) continue;
      yield buf.join("");
      buf = [];
      size = 0;
    }
    if (slices.due()) await slices.next();
  }
  if (buf.length) yield buf.join("");
}
