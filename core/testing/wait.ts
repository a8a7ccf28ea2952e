/** The one polling helper for tests: core tests and tests/ both wait with it. */

export interface WaitOptions {
  /** Give up after this many milliseconds (default 10 000). */
  timeout?: number;
  /** Milliseconds between tries (default 20). */
  interval?: number;
  /** What is awaited, for the timeout error. */
  what?: string;
}

/** `T` without its falsy members. */
export type Truthy<T> = Exclude<T, false | 0 | "" | null | undefined>;

/**
 * Call `fn` until its value passes `opts.until` (or, without it, is truthy) and resolve with
 * that value; reject after `timeout` ms naming the last value seen. `fn` may be sync or async;
 * a throw from it ends the wait.
 */
export function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: WaitOptions & { until: (value: T) => boolean },
): Promise<T>;
export function waitFor<T>(fn: () => T | Promise<T>, opts?: WaitOptions): Promise<Truthy<T>>;
export async function waitFor<T>(
  fn: () => T | Promise<T>,
  opts: WaitOptions & { until?: (value: T) => boolean } = {},
): Promise<T> {
  const { timeout = 10_000, interval = 20, what = "condition", until = Boolean } = opts;
  const end = Date.now() + timeout;
  let last: T;
  for (;;) {
    last = await fn();
    if (until(last)) return last;
    if (Date.now() >= end) break;
    await new Promise((r) => setTimeout(r, interval));
  }
  throw new Error(`${what} not met within ${timeout} ms (last: ${show(last)})`);
}

function show(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}
