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
import { HUGE_FROM, Vm } from "./vm.ts";
import { adviseHugePages } from "../../memory/mod.ts";

export interface PythonPoolOptions {
  /** The interpreter (default `python3`). */
  python?: string;
  /** Most workers at once (default: the number of cores). */
  size?: number;
  /** Directories put first on the workers' PYTHONPATH (`--py-path`). */
  paths?: string[];
  /**
   * Copy big payloads straight to and from the workers' memory when FFI is granted (vm.ts;
   * default true); otherwise, or when false, they pass through files.
   */
  directMemory?: boolean;
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
  /** Resolved or rejected (a payload file written after that is removed at once). */
  settled: boolean;
  /** The payload file being written now: a failed call says so only once it is removed. */
  writing?: Promise<void>;
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
  /** Whether big payloads go straight to and from its memory (vm.ts); known once ready. */
  vm: boolean;
  ready: PromiseWithResolvers<void>;
  /** The call waiting for the worker to make room for its inputs (`fill`). */
  fill: { id: number; done: PromiseWithResolvers<number[]> } | null;
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

/**
 * What the version check says: null when python runs and is 3.8 or newer. `r` is its output, or
 * the error that kept it from starting.
 */
function verdict(python: string, r: Deno.CommandOutput | Error): string | null {
  if (r instanceof Error) return `${python} cannot be started (${r.message})`;
  if (r.success) return null;
  if (r.code === 3) return `${python} is older than Python 3.8`;
  const said = new TextDecoder().decode(r.stderr).trim().slice(0, 200);
  return `${python} does not run (exit code ${r.code}): ${said}`;
}

export class PythonPool {
  readonly python: string;
  readonly size: number;
  readonly paths: readonly string[];
  #directMemory: boolean;
  #runner: { dir: string; script: string } | null = null;
  #workers = new Set<Worker>();
  #idle: Worker[] = [];
  #queue: Job[] = [];
  #nextId = 1;
  #stopped = false;
  #check: string | null | undefined = undefined;
  /** The background check (`probe`), once started. */
  #probing: Promise<void> | undefined = undefined;
  /** Direct memory access to the workers (undefined until the first spawn tried it). */
  #vm: Vm | null | undefined = undefined;

  constructor(opts: PythonPoolOptions = {}) {
    this.python = opts.python ?? "python3";
    this.size = opts.size ?? navigator.hardwareConcurrency;
    if (!Number.isInteger(this.size) || this.size < 1) {
      throw new RangeError(`python pool size must be a positive integer, got ${this.size}`);
    }
    this.paths = opts.paths ?? [];
    this.#directMemory = opts.directMemory ?? true;
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
  /** Whether big payloads go straight to and from the workers' memory (known once one runs). */
  get directMemory(): boolean {
    return !!this.#vm;
  }
  /** Process ids of the live workers. */
  pids(): number[] {
    return [...this.#workers].map((w) => w.child.pid);
  }

  /**
   * Why this node cannot run Python (checked once), or null when it can. Blocks for the time
   * python takes to start, unless `probe` has found out already (a pyenv shim took 0.4 s).
   */
  unavailable(): string | null {
    if (this.#check !== undefined) return this.#check;
    let r: Deno.CommandOutput | Error;
    try {
      r = this.#checkCommand().outputSync();
    } catch (e) {
      r = e as Error;
    }
    return this.#check = verdict(this.python, r);
  }

  /** Whether `unavailable` knows its answer (it would block to find out otherwise). */
  get checked(): boolean {
    return this.#check !== undefined;
  }

  /**
   * Find out without blocking whether this node can run Python: a node waits for this before
   * checking the first batch with a PyFuncApp, rather than hold its loop while python starts.
   */
  probe(): Promise<void> {
    this.#probing ??= (async () => {
      let r: Deno.CommandOutput | Error;
      try {
        r = await this.#checkCommand().output();
      } catch (e) {
        r = e as Error;
      }
      this.#check ??= verdict(this.python, r);
    })();
    return this.#probing;
  }

  #checkCommand(): Deno.Command {
    return new Deno.Command(this.python, {
      args: ["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 8) else 3)"],
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    });
  }

  /** Run one call; `payloads` are the bytes its inputs refer to by index. */
  call(msg: CallMsg, payloads: Uint8Array[], signal?: AbortSignal): Promise<CallResult> {
    return new Promise<CallResult>((resolve, reject) => {
      if (this.#stopped) return reject(new Error("the python pool is stopped"));
      if (signal?.aborted) return reject(abortError(signal));
      const job: Job = {
        id: 0,
        files: [],
        settled: false,
        msg,
        payloads,
        signal,
        resolve,
        reject,
      };
      const onAbort = () => this.#cancel(job, abortError(signal!));
      signal?.addEventListener("abort", onAbort, { once: true });
      const done = () => {
        job.settled = true;
        signal?.removeEventListener("abort", onAbort);
        for (const f of job.files) removeQuietly(f);
      };
      job.resolve = (r) => {
        done();
        resolve(r);
      };
      job.reject = (e) => {
        done();
        if (job.writing) job.writing.finally(() => reject(e));
        else reject(e);
      };
      this.#queue.push(job);
      this.#dispatch();
    });
  }

  /** Kill every worker (running and queued calls fail) and remove the runner's directory. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#probing;
    const err = new Error("the python pool is stopped");
    for (const job of this.#queue.splice(0)) job.reject(err);
    const closing = [...this.#workers].map((w) => {
      this.#kill(w, "the python pool is stopped");
      return w.closed;
    });
    await Promise.all(closing);
    if (this.#runner) Deno.removeSync(this.#runner.dir, { recursive: true });
    this.#runner = null;
    this.#vm?.close();
    this.#vm = undefined;
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
      this.#send(w, job).catch((e) => this.#writeFailed(w, e));
    }
  }

  async #send(w: Worker, job: Job): Promise<void> {
    const id = job.id = this.#nextId++;
    const sizes = job.payloads.map((p) => p.length);
    const big = sizes.some((s) => s >= FILE_PAYLOAD);
    if (big && this.#vm) await w.ready.promise;
    // The worker may have died before it was ready (that settles the call): write nothing for it.
    if (job.settled) return;
    if (big && this.#vm && w.vm) return await this.#sendToMemory(w, job, sizes);
    // Big payloads go through files in the private directory (much faster than the pipe).
    let files: (string | null)[] | undefined;
    if (big) {
      files = [];
      for (const [i, p] of job.payloads.entries()) {
        if (p.length < FILE_PAYLOAD) {
          files.push(null);
          continue;
        }
        const path = `${this.#runner!.dir}/in-${id}-${i}`;
        job.files.push(path);
        job.writing = writePayloadFile(path, p);
        try {
          await job.writing;
        } finally {
          job.writing = undefined;
          if (job.settled) removeQuietly(path); // its worker died while it was being written
        }
        files.push(path);
      }
    }
    await w.writer.write(frameHeader({ type: "call", id, ...job.msg }, sizes, files));
    const skip = new Set(files?.flatMap((f, i) => f ? [i] : []));
    await this.#writeSmall(w, job, skip);
  }

  /**
   * Big payloads straight into the worker's memory: the header lists them in `mem`, the worker
   * answers `fill` with where they go, they are copied there and `filled` lets it go on.
   */
  async #sendToMemory(w: Worker, job: Job, sizes: number[]): Promise<void> {
    const id = job.id;
    const mem = sizes.flatMap((s, i) => s >= FILE_PAYLOAD ? [i] : []);
    const done = Promise.withResolvers<number[]>();
    done.promise.catch(() => {}); // rejected when the worker dies before it asks
    w.fill = { id, done };
    await w.writer.write(frameHeader({ type: "call", id, ...job.msg, mem, vm: true }, sizes));
    await this.#writeSmall(w, job, new Set(mem));
    const addrs = await done.promise;
    if (addrs.length !== mem.length) {
      throw new Error(`python made room for ${addrs.length} of ${mem.length} inputs`);
    }
    for (const [k, i] of mem.entries()) {
      await this.#vm!.write(w.child.pid, addrs[k]!, job.payloads[i]!);
    }
    await w.writer.write(frameHeader({ type: "filled", id }, []));
  }

  /** The payloads that go down the pipe (all but `skip`), views of the Drops' own buffers. */
  async #writeSmall(w: Worker, job: Job, skip: Set<number>): Promise<void> {
    for (const [i, p] of job.payloads.entries()) {
      if (skip.has(i)) continue;
      for (let off = 0; off < p.length; off += WRITE_CHUNK) {
        await w.writer.write(p.subarray(off, Math.min(p.length, off + WRITE_CHUNK)));
      }
    }
  }

  #spawn(): Worker {
    this.#runner ??= writeRunner();
    if (this.#vm === undefined) this.#vm = this.#directMemory ? Vm.open() : null;
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
      vm: false,
      ready: Promise.withResolvers<void>(),
      fill: null,
    };
    this.#workers.add(w);
    w.closed = Promise.all([this.#read(w), this.#readStderr(w), child.status]).then(
      () => this.#exited(w),
    );
    return w;
  }

  /** Frames from the worker until its stdout ends. */
  async #read(w: Worker): Promise<void> {
    const vm = this.#vm;
    const pid = w.child.pid;
    const mem = vm && {
      copyFrom: (addr: number, into: Uint8Array) => vm.read(pid, addr, into),
      hugePages: (buf: Uint8Array) => void adviseHugePages(buf, HUGE_FROM),
    };
    const frames = new FrameReader(w.child.stdout, this.#runner!.dir, mem || null);
    try {
      while (true) {
        const f = await frames.next();
        if (!f) return;
        const r = v.safeParse(FromPython, f.head);
        if (!r.success) {
          return this.#kill(w, `python sent an invalid message: ${r.issues[0].message}`);
        }
        const msg = r.output;
        if (msg.type === "ready") {
          w.vm = !!vm && !!msg.probe && await probe(vm, pid, ...msg.probe);
          w.ready.resolve();
          continue;
        }
        if (msg.type === "fill") {
          if (w.fill?.id !== msg.id) {
            return this.#kill(w, "python asked to fill a call it is not running");
          }
          w.fill.done.resolve(msg.addrs);
          w.fill = null;
          continue;
        }
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
    removeOutputFiles(this.#runner?.dir, w.child.pid);
    const job = w.job;
    w.job = null;
    w.ready.resolve();
    w.fill?.done.reject(new Error(why));
    w.fill = null;
    job?.reject(new Error(why));
    this.#dispatch();
  }

  /**
   * A write to the worker failed: when the process died (that is why the pipe broke), its exit
   * reason is the call's error; otherwise it is killed with the write's error.
   */
  async #writeFailed(w: Worker, e: unknown): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const died = await Promise.race([
      w.child.status.then(() => true),
      new Promise<boolean>((r) => timer = setTimeout(() => r(false), 200)),
    ]);
    clearTimeout(timer);
    if (!died) this.#kill(w, `writing to python failed: ${e}`);
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

/** Whether reading the worker's memory gives the bytes it says are there. */
async function probe(vm: Vm, pid: number, addr: number, hex: string): Promise<boolean> {
  const got = new Uint8Array(hex.length / 2);
  try {
    await vm.read(pid, addr, got);
  } catch {
    return false;
  }
  return got.length > 0 && Array.from(got, (b) => b.toString(16).padStart(2, "0")).join("") === hex;
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error("cancelled");
}

/** Output files a dead worker left (written, not yet read: it died in between). */
function removeOutputFiles(dir: string | undefined, pid: number): void {
  if (!dir) return;
  try {
    for (const e of Deno.readDirSync(dir)) {
      if (e.name.startsWith(`out-${pid}-`)) removeQuietly(`${dir}/${e.name}`);
    }
  } catch { /* the directory is gone (the pool stopped) */ }
}

function removeQuietly(path: string): void {
  try {
    Deno.removeSync(path);
  } catch { /* the worker read and removed it */ }
}
