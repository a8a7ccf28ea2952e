/** Worker side: output writers, into the Drop's shared buffer or posted to the main thread. */
import type { FromWorkerMsg, OutputRef } from "./protocol.ts";
import type { Writer } from "./module_api.ts";
import { weigh } from "../memory/mod.ts";

export type Post = (msg: FromWorkerMsg, transfer?: Transferable[]) => void;

const encoder = new TextEncoder();
const bytesOf = (d: Uint8Array | string) => (typeof d === "string" ? encoder.encode(d) : d);

export interface ClosableWriter extends Writer {
  /** Commit what is pending; later writes throw (a finished app cannot write). */
  close(): void;
  /** Later writes throw; nothing more is committed (the app failed). */
  abandon(): void;
}

/** Which output of which job a writer writes, and how it talks to the main thread. */
export interface WriterOptions {
  index: number;
  job: number;
  post: Post;
}

/** A writer for output `opts.index` of `opts.job`. */
export function openWriter(ref: OutputRef, opts: WriterOptions): ClosableWriter {
  return ref.buffer ? new SharedWriter(ref, ref.buffer, opts) : new PostWriter(ref, opts);
}

abstract class BaseWriter implements ClosableWriter {
  readonly oid: string;
  readonly uid: string;
  readonly name: string;
  protected closed = false;
  /** Bytes the app has written (or allocated) so far. */
  protected written: number;
  /** Which output of which job, and how to tell the main thread. */
  protected readonly opts: WriterOptions;

  constructor(ref: OutputRef, opts: WriterOptions) {
    this.oid = ref.oid;
    this.uid = ref.uid;
    this.name = ref.name;
    this.written = ref.size;
    this.opts = opts;
  }

  get size(): number {
    return this.written;
  }

  abstract alloc(n: number): Uint8Array;
  protected abstract flush(): void;

  write(data: Uint8Array | string): void {
    const bytes = bytesOf(data);
    this.alloc(bytes.length).set(bytes);
    this.flush();
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
  }

  abandon(): void {
    this.closed = true;
  }

  protected check(n: number): void {
    if (this.closed) throw new Error(`output ${this.name} is closed: the app has finished`);
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`cannot allocate ${n} bytes`);
  }
}

/** Writes into the Drop's SharedArrayBuffer, growing it in place; the main thread commits. */
class SharedWriter extends BaseWriter {
  #sab: SharedArrayBuffer;
  #committed: number;

  constructor(ref: OutputRef, sab: SharedArrayBuffer, opts: WriterOptions) {
    super(ref, opts);
    this.#sab = weigh(sab);
    this.#committed = ref.size;
  }

  alloc(n: number): Uint8Array {
    this.check(n);
    this.flush();
    const need = this.written + n;
    this.#ensure(need);
    const view = new Uint8Array(this.#sab, this.written, n);
    this.written = need;
    return view;
  }

  #ensure(need: number): void {
    const sab = this.#sab;
    if (need <= sab.byteLength) return;
    if (!sab.growable) {
      throw new RangeError(
        `output ${this.name} is complete: it holds exactly ${sab.byteLength} bytes (expectedSize)`,
      );
    }
    if (need <= sab.maxByteLength) {
      sab.grow(Math.min(sab.maxByteLength, Math.max(need, sab.byteLength * 2)));
      weigh(sab);
      return;
    }
    // Past the reservation: move once to a buffer with room to spare, and tell the main thread.
    const next = weigh(
      new SharedArrayBuffer(need, { maxByteLength: Math.max(need, sab.maxByteLength) * 2 }),
    );
    new Uint8Array(next).set(new Uint8Array(sab, 0, this.written));
    this.#sab = next;
    const { job, index, post } = this.opts;
    post({ type: "swap", job, output: index, buffer: next });
  }

  protected flush(): void {
    if (this.written === this.#committed) return;
    this.#committed = this.written;
    const { job, index, post } = this.opts;
    post({ type: "wrote", job, output: index, size: this.written });
  }
}

/** Posts each write (a copy) to the main thread: file and multi-producer outputs. */
class PostWriter extends BaseWriter {
  #pending: Uint8Array | null = null;

  alloc(n: number): Uint8Array {
    this.check(n);
    this.flush();
    this.#pending = new Uint8Array(n);
    this.written += n;
    return this.#pending;
  }

  protected flush(): void {
    const p = this.#pending;
    if (!p) return;
    this.#pending = null;
    const { job, index, post } = this.opts;
    post({ type: "write", job, output: index, bytes: p }, [p.buffer as ArrayBuffer]);
  }
}
