/**
 * Where a scale run is: its phase, the Drops appended so far, the tiers' RSS sampled every 2 s
 * (a line on stderr every 10 s), and the first failure (a tier that died, an error) with what
 * the tiers held at that moment.
 */
import { mbList, type PeakTracker } from "./_tiers.ts";

export class Progress {
  phase: "append" | "deploy" | "run" = "append";
  appended = 0;
  /** The first failure, said with phase, Drops appended and the tiers' RSS. */
  failure: string | undefined;
  /** The tiers' RSS (MB) at the last sample. */
  lastRss = "";
  #peaks: PeakTracker;
  #total: number;
  #t0 = performance.now();
  #timer: ReturnType<typeof setInterval>;
  #stopping = false;
  #dead = Promise.withResolvers<never>();

  constructor(peaks: PeakTracker, total: number) {
    this.#peaks = peaks;
    this.#total = total;
    this.#dead.promise.catch(() => {});
    let ticks = 0;
    this.#timer = setInterval(() => {
      this.#sample();
      if (++ticks % 5 === 0) console.error(`scale: ${this.#where()}; RSS MB ${this.lastRss}`);
    }, 2000);
  }

  /** A tier process ended: a failure unless the run is being stopped. */
  died(tier: string, s: Deno.CommandStatus): void {
    if (this.#stopping) return;
    this.#sample();
    const how = s.signal ? `signal ${s.signal}` : `code ${s.code}`;
    const peak = Math.round(this.#peaks.peakOf(tier) / 1e6);
    const msg = `${tier} exited (${how}) ${this.#where()}, its peak RSS at least ${peak} MB; ` +
      `RSS MB then ${this.lastRss}`;
    this.failure ??= msg;
    this.#dead.reject(new Error(msg));
  }

  /** `p`, or the death of a tier while waiting for it. */
  guard<T>(p: Promise<T>): Promise<T> {
    return Promise.race([p, this.#dead.promise]);
  }

  fail(e: unknown): void {
    this.#sample();
    this.failure ??= `${this.#where()}: ${e instanceof Error ? e.message : String(e)}; ` +
      `RSS MB ${this.lastRss}`;
  }

  /** Last sample (the peaks are read before the tiers stop), then tier exits are expected. */
  stop(): void {
    clearInterval(this.#timer);
    this.#sample();
    this.#stopping = true;
  }

  #sample(): void {
    this.lastRss = mbList(this.#peaks.sample());
  }

  #where(): string {
    const s = ((performance.now() - this.#t0) / 1000).toFixed(0);
    return `${this.phase} at ${s} s, ${this.appended}/${this.#total} Drops appended`;
  }
}
