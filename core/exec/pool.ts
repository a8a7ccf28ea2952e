/**
 * The node's Web Worker pool: at most `size` workers, started on demand and reused; one job per
 * worker at a time, the rest wait in order. A worker that crashes (uncaught error, closes
 * itself) fails its job and is replaced; cancelling a running job terminates its worker (a new
 * one starts for the next job).
 */
import * as v from "valibot";
import { FromWorker, type JobEvent, type RunMsg, type ToWorkerMsg } from "./protocol.ts";

/** Where the worker entry is: beside this file when run from source. */
export const DEFAULT_WORKER_URL = new URL("./worker.ts", import.meta.url);

/** Set by a single-file bundle's prelude: the worker entry's whole source (tools/build.ts). */
export const EMBEDDED_WORKER = "__DLG_WORKER_SOURCE__";

/**
 * The embedded worker as a new blob: URL when this runs from a bundle (the pool revokes it when
 * it stops), else the source file.
 */
export function defaultWorkerUrl(): URL | string {
  const source = (globalThis as Record<string, unknown>)[EMBEDDED_WORKER];
  if (typeof source !== "string") return DEFAULT_WORKER_URL;
  return URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
}

export interface WorkerPoolOptions {
  /** Most workers at once (the node's `-t`). */
  size: number;
  /** The worker entry (a bundle may give a blob: or data: URL). */
  workerUrl?: URL | string;
}

export interface JobSpec {
  run: Omit<RunMsg, "type" | "job">;
  /** Writes and log lines from the running app; a throw fails the job (its worker is replaced). */
  onEvent(e: JobEvent): void;
  /** Abort to cancel: a queued job is dropped, a running one's worker is terminated. */
  signal?: AbortSignal;
}

/** A streamed chunk or the end of a stream, for a running (or queued) job. */
export type StreamMsg =
  | { type: "chunk"; stream: number; bytes: Uint8Array }
  | { type: "end"; stream: number; status: number };

export interface JobHandle {
  /** Send a streamed chunk or end to the job (kept until it starts). */
  send(msg: StreamMsg): void;
  /** Settles when the app function returns (or rejects with its error, a crash, a cancel). */
  done: Promise<void>;
}

interface Job {
  id: number;
  spec: JobSpec;
  pending: ToWorkerMsg[];
  slot: Slot | null;
  settle(err?: Error): void;
}

interface Slot {
  worker: Worker;
  job: Job | null;
}

export class WorkerPool {
  readonly size: number;
  #url: URL | string;
  /** The blob: URL of the embedded worker, made for this pool. */
  #ownUrl: boolean;
  #slots = new Set<Slot>();
  #idle: Slot[] = [];
  #queue: Job[] = [];
  #nextId = 1;
  #stopped = false;

  constructor(opts: WorkerPoolOptions) {
    if (!Number.isInteger(opts.size) || opts.size < 1) {
      throw new RangeError(`worker pool size must be a positive integer, got ${opts.size}`);
    }
    this.size = opts.size;
    this.#url = opts.workerUrl ?? defaultWorkerUrl();
    this.#ownUrl = !opts.workerUrl && typeof this.#url === "string";
  }

  /** Workers started (alive) now. */
  get workers(): number {
    return this.#slots.size;
  }

  /** Jobs running now. */
  get busy(): number {
    return this.#slots.size - this.#idle.length;
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }

  submit(spec: JobSpec): JobHandle {
    let settle!: (err?: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
    const job: Job = { id: this.#nextId++, spec, pending: [], slot: null, settle };
    const signal = spec.signal;
    if (this.#stopped) settle(new Error("the worker pool is stopped"));
    else if (signal?.aborted) settle(abortError(signal));
    else {
      const onAbort = () => this.#cancel(job, abortError(signal!));
      signal?.addEventListener("abort", onAbort, { once: true });
      job.settle = (err) => {
        signal?.removeEventListener("abort", onAbort);
        job.settle = () => {};
        settle(err);
      };
      this.#queue.push(job);
      this.#dispatch();
    }
    const send: JobHandle["send"] = (m) => {
      const msg = { ...m, job: job.id };
      if (job.slot) job.slot.worker.postMessage(msg);
      else job.pending.push(msg);
    };
    return { send, done };
  }

  /** Terminate every worker; running and queued jobs fail. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    const err = new Error("the worker pool is stopped");
    for (const job of this.#queue.splice(0)) job.settle(err);
    for (const slot of this.#slots) {
      slot.worker.terminate();
      slot.job?.settle(err);
    }
    this.#slots.clear();
    this.#idle = [];
    if (this.#ownUrl) URL.revokeObjectURL(this.#url as string);
  }

  #dispatch(): void {
    while (this.#queue.length && !this.#stopped) {
      let slot = this.#idle.pop();
      if (!slot) {
        if (this.#slots.size >= this.size) return;
        slot = this.#spawn();
      }
      const job = this.#queue.shift()!;
      try {
        slot.worker.postMessage({ type: "run", job: job.id, ...job.spec.run });
      } catch (e) { // not cloneable: the job fails, the worker stays free
        this.#idle.push(slot);
        job.settle(e instanceof Error ? e : new Error(String(e)));
        continue;
      }
      slot.job = job;
      job.slot = slot;
      for (const m of job.pending) slot.worker.postMessage(m);
      job.pending = [];
    }
  }

  #spawn(): Slot {
    const worker = new Worker(this.#url, {
      type: "module",
      name: `dlg-worker-${this.#slots.size}`,
    });
    const slot: Slot = { worker, job: null };
    this.#slots.add(slot);
    worker.onmessage = (e) => this.#onMessage(slot, e.data);
    worker.onerror = (e) => {
      e.preventDefault();
      const where = e.filename ? ` (${e.filename}:${e.lineno})` : "";
      this.#replace(slot, new Error(`worker crashed: ${e.message}${where}`));
    };
    worker.onmessageerror = () =>
      this.#replace(slot, new Error("worker sent an unreadable message"));
    return slot;
  }

  #onMessage(slot: Slot, data: unknown): void {
    const r = v.safeParse(FromWorker, data);
    const job = slot.job;
    if (!r.success) {
      return this.#replace(slot, new Error(`invalid message from worker: ${r.issues[0].message}`));
    }
    const msg = r.output;
    if (msg.type === "crashed") {
      return this.#replace(slot, new Error(`worker crashed: ${msg.reason}`));
    }
    if (!job || msg.job !== job.id) return; // a late message of a finished job
    if (msg.type === "done" || msg.type === "failed") {
      slot.job = null;
      this.#idle.push(slot);
      if (msg.type === "done") job.settle();
      else job.settle(Object.assign(new Error(msg.message), { stack: msg.stack }));
      return this.#dispatch();
    }
    try {
      job.spec.onEvent(msg);
    } catch (e) {
      this.#replace(slot, e instanceof Error ? e : new Error(String(e)));
    }
  }

  /**
   * Terminate the slot's worker and fail its job with `err`. The replacement starts when a job
   * needs it (at once if some are waiting), not for nothing during a shutdown.
   */
  #replace(slot: Slot, err: Error): void {
    if (!this.#slots.delete(slot)) return;
    slot.worker.terminate();
    this.#idle = this.#idle.filter((s) => s !== slot);
    const job = slot.job;
    slot.job = null;
    job?.settle(err);
    this.#dispatch();
  }

  #cancel(job: Job, err: Error): void {
    if (job.slot) return this.#replace(job.slot, err);
    const i = this.#queue.indexOf(job);
    if (i >= 0) this.#queue.splice(i, 1);
    job.settle(err);
  }
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("cancelled");
}
