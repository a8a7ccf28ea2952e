/**
 * Where a scale run is: its phase, the Drops appended so far, the tiers' RSS sampled every 2 s
 * (a line on stderr every 10 s), and the first failure (a tier that died, an error) with what
 * the tiers held at that moment.
 */
import { mbList, type PeakTracker } from "./_tiers.ts";

/** MemAvailable from /proc/meminfo, in bytes. */
function memAvailable(): number {
  const m = Deno.readTextFileSync("/proc/meminfo").match(/MemAvailable:\s+(\d+) kB/);
  return m ? Number(m[1]) * 1024 : Infinity;
}

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

  #maxBytes: number;

  /**
   * Stops the run (as a failure) once the tiers hold more than `maxBytes` of RSS together, or
   * the machine has less than 1.5 GB available: past the target it has failed anyway, and an OOM
   * kill would hit whatever else runs on the machine.
   */
  constructor(peaks: PeakTracker, total: number, maxBytes: number) {
    this.#peaks = peaks;
    this.#total = total;
    this.#maxBytes = maxBytes;
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
    const now = this.#peaks.sample();
    this.lastRss = mbList(now);
    if (this.#stopping || this.failure) return;
    const sum = [...now.values()].reduce((a, b) => a + b, 0);
    const avail = memAvailable();
    if (sum <= this.#maxBytes && avail >= 1.5e9) return;
    this.failure = `stopped by the bench ${this.#where()}: tiers' RSS ${(sum / 1e9).toFixed(1)} ` +
      `GB, machine has ${(avail / 1e9).toFixed(1)} GB available; RSS MB ${this.lastRss}`;
    this.#dead.reject(new Error(this.failure));
  }

  #where(): string {
    const s = ((performance.now() - this.#t0) / 1000).toFixed(0);
    return `${this.phase} at ${s} s, ${this.appended}/${this.#total} Drops appended`;
  }
}
