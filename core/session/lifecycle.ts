/**
 * DALiuGE's data lifecycle manager, per session, driven by the session's events: when a memory
 * Drop is COMPLETED and its last consumer has finished, it is queued; every `dlmCheckPeriod`
 * seconds (only while something is queued) the queue's Drops become EXPIRED (memory freed), and
 * `dlmCleanupPeriod` seconds later DELETED. `persist` keeps a Drop. No Drop is ever scanned
 * that did not just change.
 */
import { AppDrop, DataDrop, DropStates, eachLink, MemoryStore } from "../drops/mod.ts";
import type { SessionBus } from "./events.ts";

export interface LifecycleOptions {
  /** Seconds between expiry checks; 0 turns expiry off. */
  dlmCheckPeriod?: number;
  /** Seconds from EXPIRED to DELETED. */
  dlmCleanupPeriod?: number;
}

const { COMPLETED } = DropStates;

export class Lifecycle {
  #bus: SessionBus;
  #check: number;
  #cleanup: number;
  #unwatch: (() => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** COMPLETED Drops whose local consumers are done (remote ones may still read). */
  #queue = new Set<DataDrop>();
  #expired: { drop: DataDrop; at: number }[] = [];

  constructor(bus: SessionBus, opts: LifecycleOptions) {
    this.#bus = bus;
    this.#check = opts.dlmCheckPeriod ?? 10;
    this.#cleanup = opts.dlmCleanupPeriod ?? 30;
  }

  /** The graph is built: watch it. */
  start(): void {
    if (this.#check <= 0 || this.#unwatch) return;
    this.#unwatch = this.#bus.watchDrops((d, prev) => {
      if (prev >= COMPLETED || d.status < COMPLETED) return;
      if (d instanceof DataDrop) {
        if (d.status === COMPLETED) this.#consider(d);
      } else if (d instanceof AppDrop) {
        eachLink(d.inputLinks, (i) => i instanceof DataDrop && this.#consider(i));
        eachLink(d.streamingInputLinks, (i) => i instanceof DataDrop && this.#consider(i));
      }
    });
  }

  stop(): void {
    this.#unwatch?.();
    this.#unwatch = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queue.clear();
    this.#expired = [];
  }

  #consider(d: DataDrop): void {
    if (d.persist || d.status !== COMPLETED || !(d.store instanceof MemoryStore)) return;
    if (!localConsumersDone(d)) return;
    this.#queue.add(d);
    this.#arm();
  }

  #arm(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(this.#tick, this.#check * 1000);
    Deno.unrefTimer(this.#timer as unknown as number);
  }

  #tick = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    for (const d of this.#queue) {
      if (d.status !== COMPLETED) this.#queue.delete(d);
      else if (remoteConsumersDone(d)) {
        this.#queue.delete(d);
        d.expire();
        this.#expired.push({ drop: d, at: now });
      }
    }
    const due = now - this.#cleanup * 1000;
    while (this.#expired.length && this.#expired[0]!.at <= due) {
      this.#expired.shift()!.drop.delete();
    }
    if (this.#queue.size || this.#expired.length) this.#arm();
  };
}

/** Every local consumer (streaming ones too) has finished reading. */
function localConsumersDone(d: DataDrop): boolean {
  for (const c of d.consumers) if (c instanceof AppDrop && c.status < COMPLETED) return false;
  for (const c of d.streamingConsumers) {
    if (c instanceof AppDrop && c.status < COMPLETED) return false;
  }
  return true;
}

/** Consumers on other nodes have read the bytes (they say so when their read ends). */
function remoteConsumersDone(d: DataDrop): boolean {
  for (const c of d.consumers as unknown[]) {
    if (!(c instanceof AppDrop) && c && typeof c === "object" && "done" in c && !c.done) {
      return false;
    }
  }
  return true;
}
