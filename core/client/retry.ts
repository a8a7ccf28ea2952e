/** Waiting between tries of a call: pauses that end early on abort, and jitter. */

/** `ms` give or take `spread` (a fraction: 0.25 is ±25%), so retries of many peers spread out. */
export function jitter(ms: number, spread = 0.25): number {
  return ms * (1 - spread + Math.random() * 2 * spread);
}

/** Resolve after `ms`, or at once when `signal` aborts (the caller checks which). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
