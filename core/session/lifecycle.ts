/**
 * DALiuGE's data lifecycle manager, per session: every `dlmCheckPeriod` seconds a COMPLETED
 * memory Drop whose consumers have all finished becomes EXPIRED (its memory is freed), and
 * `dlmCleanupPeriod` seconds later DELETED. `persist` keeps a Drop.
 */
import { AppDrop } from "../drops/app_drop.ts";
import { DataDrop } from "../drops/data_drop.ts";
import type { Drop } from "../drops/drop.ts";
import { DropStates } from "../drops/states.ts";
import { MemoryStore } from "../drops/store.ts";

export interface LifecycleOptions {
  /** Seconds between expiry checks; 0 turns expiry off. */
  dlmCheckPeriod?: number;
  /** Seconds from EXPIRED to DELETED. */
  dlmCleanupPeriod?: number;
}

export class Lifecycle {
  #check: number;
  #cleanup: number;
  #timer: ReturnType<typeof setInterval> | undefined;
  #candidates: DataDrop[] = [];
  #expired: { drop: DataDrop; at: number }[] = [];

  constructor(opts: LifecycleOptions) {
    this.#check = opts.dlmCheckPeriod ?? 10;
    this.#cleanup = opts.dlmCleanupPeriod ?? 30;
  }

  start(drops: Map<string, Drop>): void {
    if (this.#check <= 0) return;
    for (const d of drops.values()) {
      if (d instanceof DataDrop && d.store instanceof MemoryStore && !d.persist) {
        this.#candidates.push(d);
      }
    }
    if (this.#candidates.length) {
      this.#timer = setInterval(() => this.#tick(), this.#check * 1000);
      Deno.unrefTimer(this.#timer as unknown as number);
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#candidates = [];
    this.#expired = [];
  }

  #tick(): void {
    const now = Date.now();
    const keep: DataDrop[] = [];
    for (const d of this.#candidates) {
      if (d.status === DropStates.COMPLETED && consumersDone(d)) {
        d.expire();
        this.#expired.push({ drop: d, at: now });
      } else if (d.status <= DropStates.COMPLETED) keep.push(d); // still written or read
    }
    this.#candidates = keep;
    const due = now - this.#cleanup * 1000;
    while (this.#expired.length && this.#expired[0]!.at <= due) {
      this.#expired.shift()!.drop.delete();
    }
    if (!this.#candidates.length && !this.#expired.length) this.stop();
  }
}

/** Every local consumer (streaming ones too) has finished reading. */
function consumersDone(d: DataDrop): boolean {
  for (const c of d.consumers) {
    if (c instanceof AppDrop ? c.status < DropStates.COMPLETED : "done" in c && !c.done) {
      return false;
    }
  }
  for (const c of d.streamingConsumers) {
    if (c instanceof AppDrop && c.status < DropStates.COMPLETED) return false;
  }
  return true;
}
