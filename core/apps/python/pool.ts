/**
 * The node's pool of persistent python3 workers: at most `size`, started on first use, each
 * running one call at a time (the rest wait in order). A worker that dies fails its call with
 * the exit reason and is replaced when the next call needs one; cancelling a running call kills
 * that worker's process group (the function's own children too).
 */
import * as v from "valibot";
import { FrameReader } from "./frames.ts";
import { type CallMsg, type DoneMsg, frameHeader, FromPython } from "./protocol.ts";
import { writeRunner } from "./runner.ts";

export interface PythonPoolOptions {
  /** The interpreter (default `python3`). */
  python?: string;
  /** Most workers at once (default: the number of cores). */
  size?: number;
  /** Directories put first on the workers' PYTHONPATH (`--py-path`). */
  paths?: string[];
}

/** What a call gives back: the payloads, and for each output the payloads it is made of. */
export interface CallResult {
  outputs: Uint8Array[][];
  /** What the function printed (stdout and stderr, in order). */
  log: string;
}

/** The function raised: `message` is the exception text, `traceback` Python's. */
export class PythonError extends Error {
  readonly traceback: string;
  readonly log: string;
  constructor(message: string, traceback: string, log: string) {
    super(message);
    this.name = "PythonError";
    this.traceback = traceback;
    this.log = log;
  }
}

interface Job {
  /** Set when sent to a worker: replies carry it. */
  id: number;
  /** Payload files written for it (the worker removes those it read). */
  files: string[];
  msg: CallMsg;
  payloads: Uint8Array[];
  signal: AbortSignal | undefined;
  resolve(r: CallResult): void;
  reject(e: Error): void;
}

interface Worker {
  child: Deno.ChildProcess;
  writer: WritableStreamDefaultWriter<Uint8Array>;
  job: Job | null;
  /** Set once the process is gone (or being killed): why. */
  gone: string | null;
  stderr: string;
  /** Settles when the process has exited and its pipes are closed. */
  closed: Promise<void>;
}

const WRITE_CHUNK = 4 * 1024 * 1024;
/** Payloads from this size on pass through files, not the pipe. */
const FILE_PAYLOAD = 1024 * 1024;

/** Write `bytes` to a new file at `path`, in slices (the event loop runs between). */
async function writePayloadFile(path: string, bytes: Uint8Array): Promise<void> {
  using f = await Deno.open(path, { write: true, createNew: true, mode: 0o600 });
  for (let off = 0; off < bytes.length;) {
    off += await f.write(bytes.subarray(off, Math.min(bytes.length, off + 16 * WRITE_CHUNK)));
  }
}

export class PythonPool {
  readonly python: string;
  readonly size: number;
  readonly paths: readonly string[];
  #runner: { dir: string; script: string } | null = null;
  #workers = new Set<Worker>();
  #idle: Worker[] = [];
  #queue: Job[] = [];
  #nextId = 1;
  #stopped = false;
  #check: string | null | undefined = undefined;

  constructor(opts: PythonPoolOptions = {}) {
    this.python = opts.python ?? "python3";
    this.size = opts.size ?? navigator.hardwareConcurrency;
    if (!Number.isInteger(this.size) || this.size < 1) {
      throw new RangeError(`python pool size must be a positive integer, got ${this.size}`);
    }
    this.paths = opts.paths ?? [];
  }

  /** Worker processes alive now, and how many run a call. */
  get workers(): number {
    return this.#workers.size;
  }
  get busy(): number {
    return this.#workers.size - this.#idle.length;
  }
  /** Calls waiting for a worker. */
  get queued(): number {
    return this.#queue.length;
  }
  /** The private directory (runner, big payloads), once made. */
  get dir(): string | undefined {
    return this.#runner?.dir;
  }
  /** Process ids of the live workers. */
  pids(): number[] {
    return [...this.#workers].map((w) => w.child.pid);
  }

  /**
   * Why this node cannot run Python (checked once, on first use), or null when it can.
   * Blocks for the few milliseconds python takes to start, once.
   */
  unavailable(): string | null {
    if (this.#check !== undefined) return this.#check;
    try {
      const r = new Deno.Command(this.python, {
        args: ["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 3)"],
        stdin: "null",
        stdout: "null",
        stderr: "piped",
      }).outputSync();
      this.#check = r.success
        ? null
        : r.code === 3
        ? `${this.python} is older than Python 3.8`
        : `${this.python} does not run (exit code ${r.code}): ${
          new TextDecoder().decode(r.stderr).trim().slice(0, 200)
        }`;
    } catch (e) {
      this.#check = `${this.python} cannot be started (${(e as Error).message})`;
    }
    return this.#check;
  }

  /** Run one call; `payloads` are the bytes its inputs refer to by index. */
  call(msg: CallMsg, payloads: Uint8Array[], signal?: AbortSignal): Promise<CallResult> {
    return new Promise<CallResult>((resolve, reject) => {
      if (this.#stopped) return reject(new Error("the python pool is stopped"));
      if (signal?.aborted) return reject(abortError(signal));
      const job: Job = { id: 0, files: [], msg, payloads, signal, resolve, reject };
      const onAbort = () => this.#cancel(job, abortError(signal!));
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        signal?.removeEventListener("abort", onAbort);
        for (const f of job.files) removeQuietly(f);
      };
      job.resolve = (r) => {
        done();
        resolve(r);
      };
      job.reject = (e) => {
        done();
        reject(e);
      };
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Kill every worker (running and queued calls fail) and remove the runner's directory. */
  async stop(): Promise<void> {
    this.#stopped = true;
    const err = new Error("the python pool is stopped");
    for (const job of this.#queue.splice(0)) job.reject(err);
    const closing = [...this.#workers].map((w) => {
      this.#kill(w, "the python pool is stopped");
      return w.closed;
    });
    await Promise.all(closing);
    if (this.#runner) Deno.removeSync(this.#runner.dir, { recursive: true });
    this.#runner = null;
  }

  #dispatch(): void {
    while (this.#queue.length && !this.#stopped) {
      let w = this.#idle.pop();
      if (!w) {
        if (this.#workers.size >= this.size) return;
        try {
          w = this.#spawn();
        } catch (e) {
          for (const job of this.#queue.splice(0)) job.reject(e as Error);
          return;
        }
      }
      const job = this.#queue.shift()!;
      w.job = job;
      this.#send(w, job).catch((e) => this.#kill(w, `writing to python failed: ${e}`));
    }
  }

  async #send(w: Worker, job: Job): Promise<void> {
    const id = job.id = this.#nextId++;
    const sizes = job.payloads.map((p) => p.length);
    // Big payloads go through files in the private directory (much faster than the pipe).
    let files: (string | null)[] | undefined;
    if (sizes.some((s) => s >= FILE_PAYLOAD)) {
      files = [];
      for (const [i, p] of job.payloads.entries()) {
        if (p.length < FILE_PAYLOAD) {
          files.push(null);
          continue;
        }
        const path = `${this.#runner!.dir}/in-${id}-${i}`;
        job.files.push(path);
        await writePayloadFile(path, p);
        files.push(path);
      }
    }
    await w.writer.write(frameHeader({ type: "call", id, ...job.msg }, sizes, files));
    // Views of the Drops' own (shared) buffers go to the pipe as they are, in slices.
    for (const [i, p] of job.payloads.entries()) {
      if (files?.[i]) continue;
      for (let off = 0; off < p.length; off += WRITE_CHUNK) {
        await w.writer.write(p.subarray(off, Math.min(p.length, off + WRITE_CHUNK)));
      }
    }
  }

  #spawn(): Worker {
    this.#runner ??= writeRunner();
    const pythonPath = [...this.paths, Deno.env.get("PYTHONPATH") ?? ""].filter(Boolean);
    const child = new Deno.Command(this.python, {
      args: [this.#runner.script],
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
      detached: true,
      // nice 10, as the module workers: the manager keeps answering while Python fills the cores.
      env: {
        PYTHONPATH: pythonPath.join(":"),
        DLG_PY_TMP: this.#runner.dir,
        DLG_PY_DATA: this.#runner.dir,
        DLG_PY_NICE: "10",
      },
    }).spawn();
    const w: Worker = {
      child,
      writer: child.stdin.getWriter(),
      job: null,
      gone: null,
      stderr: "",
      closed: Promise.resolve(),
    };
    this.#workers.add(w);
    w.closed = Promise.all([this.#read(w), this.#readStderr(w), child.status]).then(
      () => this.#exited(w),
    );
    return w;
  }

  /** Frames from the worker until its stdout ends. */
  async #read(w: Worker): Promise<void> {
    const frames = new FrameReader(w.child.stdout, this.#runner!.dir);
    try {
      while (true) {
        const f = await frames.next();
        if (!f) return;
        const r = v.safeParse(FromPython, f.head);
        if (!r.success) {
          return this.#kill(w, `python sent an invalid message: ${r.issues[0].message}`);
        }
        const msg = r.output;
        if (msg.type === "ready") continue;
        const job = w.job;
        if (!job || msg.id !== job.id) continue;
        w.job = null;
        try {
          if (msg.type === "done") job.resolve(result(msg, f.payloads));
          else job.reject(new PythonError(msg.error, msg.traceback, msg.log));
        } catch (e) {
          job.reject(e as Error);
        }
        if (!w.gone) {
          this.#idle.push(w);
          this.#dispatch();
        }
      }
    } catch (e) {
      this.#kill(w, `reading from python failed: ${(e as Error).message}`);
      await frames.cancel();
    }
  }

  /** Keep the start of stderr: what python said before the runner took over its fds. */
  async #readStderr(w: Worker): Promise<void> {
    const dec = new TextDecoder();
    for await (const chunk of w.child.stderr) {
      if (w.stderr.length < 4096) w.stderr += dec.decode(chunk, { stream: true });
    }
  }

  /** The process is gone: fail its call with why, free its slot, start what waits. */
  async #exited(w: Worker): Promise<void> {
    const status = await w.child.status;
    await w.writer.close().catch(() => {});
    this.#workers.delete(w);
    this.#idle = this.#idle.filter((x) => x !== w);
    const how = status.signal
      ? `was killed by ${status.signal}`
      : `exited with code ${status.code}`;
    const why = w.gone ??
      `python worker (pid ${w.child.pid}) ${how}${
        w.stderr.trim() ? `: ${w.stderr.trim().slice(0, 1000)}` : ""
      }`;
    const job = w.job;
    w.job = null;
    job?.reject(new Error(why));
    this.#dispatch();
  }

  /** SIGKILL the worker's process group; `why` fails its call. */
  #kill(w: Worker, why: string): void {
    w.gone ??= why;
    this.#idle = this.#idle.filter((x) => x !== w);
    try {
      Deno.kill(-w.child.pid, "SIGKILL");
    } catch { /* already gone */ }
  }

  #cancel(job: Job, err: Error): void {
    const i = this.#queue.indexOf(job);
    if (i >= 0) {
      this.#queue.splice(i, 1);
      return job.reject(err);
    }
    for (const w of this.#workers) {
      if (w.job !== job) continue;
      w.job = null;
      job.reject(err);
      return this.#kill(w, err.message);
    }
  }
}

function result(msg: DoneMsg, payloads: Uint8Array[]): CallResult {
  const outputs = msg.outputs.map((idx) =>
    idx.map((i) => {
      const p = payloads[i];
      if (!p) throw new Error(`python referred to payload ${i} of ${payloads.length}`);
      return p;
    })
  );
  return { outputs, log: msg.log };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("cancelled");
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* the worker read and removed it */ }
}
