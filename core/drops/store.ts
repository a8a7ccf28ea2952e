/** Where a data Drop's bytes live: shared memory, a file, or nowhere. */
import { adviseHugePages, weigh } from "../memory/mod.ts";
import { confined, realPath } from "./real_path.ts";

export interface DataStore {
  /** Append bytes. */
  write(chunk: Uint8Array): void;
  /** `size` bytes are about to be written (a peer's Content-Length): room for them at once. */
  reserve?(size: number): void;
  /** Finish writing (flush, close files). */
  close(): void;
  /** Bytes written so far. */
  readonly size: number;
  /** All bytes, as one view: zero-copy for memory. */
  bytes(): Uint8Array;
  /** The file behind the store, if any. */
  readonly path?: string;
  /** Free what the store holds (memory) after expiry. */
  release(): void;
  /** The Drop completed: make what readers expect exist (an empty file if none was written). */
  finish?(): void;
}

const EMPTY = new Uint8Array(0);
const MIN_CAPACITY = 64 * 1024;

/**
 * A buffer of exactly `size` bytes; large ones on huge pages where the OS has them, and weighed
 * so that the garbage collector frees them promptly once dead.
 */
function exactBuffer(size: number): SharedArrayBuffer {
  const sab = new SharedArrayBuffer(size);
  adviseHugePages(sab);
  return weigh(sab);
}

/**
 * Bytes in a SharedArrayBuffer. Growable in place up to a reserved maximum; past it the data
 * moves once to a buffer twice as large. With `expectedSize` the buffer is exact.
 */
export class MemoryStore implements DataStore {
  #sab: SharedArrayBuffer | null = null;
  #size = 0;
  #expected: number;

  constructor(expectedSize = 0, initial?: Uint8Array) {
    this.#expected = expectedSize > 0 ? expectedSize : 0;
    if (initial?.length) this.write(initial);
  }

  get size(): number {
    return this.#size;
  }

  /** The buffer itself, for workers: they see the same memory, never a copy. */
  get buffer(): SharedArrayBuffer | null {
    return this.#sab;
  }

  /**
   * Nothing written yet and `size` bytes to come: one exact buffer now instead of growing and
   * moving as they arrive. A size no buffer can have changes nothing (writes still grow).
   */
  reserve(size: number): void {
    if (this.#sab || !Number.isSafeInteger(size) || size <= this.#expected) return;
    try {
      this.#sab = exactBuffer(size);
    } catch {
      // Out of address space or memory for that much at once: grow as the bytes come.
    }
  }

  write(chunk: Uint8Array): void {
    const need = this.#size + chunk.length;
    this.#reserve(need);
    new Uint8Array(this.#sab!, this.#size, chunk.length).set(chunk);
    this.#size = need;
  }

  #reserve(need: number): void {
    const sab = this.#sab;
    if (sab && need <= sab.byteLength) return;
    if (sab && sab.growable && need <= sab.maxByteLength) {
      sab.grow(need);
      weigh(sab);
      return;
    }
    if (!sab && this.#expected >= need) {
      this.#sab = exactBuffer(this.#expected);
      return;
    }
    const max = Math.max(MIN_CAPACITY, need * 2);
    const next = new SharedArrayBuffer(need, { maxByteLength: max });
    adviseHugePages(next);
    if (sab) new Uint8Array(next).set(new Uint8Array(sab, 0, this.#size));
    this.#sab = weigh(next);
  }

  close(): void {}

  bytes(): Uint8Array {
    return this.#sab ? new Uint8Array(this.#sab, 0, this.#size) : EMPTY;
  }

  /** Bytes `from` .. `to` as a view of the shared buffer (no copy). */
  view(from: number, to = this.#size): Uint8Array {
    return this.#sab ? new Uint8Array(this.#sab, from, to - from) : EMPTY;
  }

  /**
   * The buffer a worker writes into directly, made now if needed: exact with `expectedSize`,
   * else growable in place up to `reserve` bytes (address space only until written).
   */
  shareForWriting(reserve: number): SharedArrayBuffer {
    if (!this.#sab) {
      this.#sab = this.#expected > 0
        ? exactBuffer(this.#expected)
        : new SharedArrayBuffer(0, { maxByteLength: Math.max(MIN_CAPACITY, reserve) });
    }
    return this.#sab;
  }

  /** A worker wrote into the shared buffer up to `size`: those bytes now count. */
  commit(size: number): void {
    const cap = this.#sab?.byteLength ?? 0;
    if (!Number.isInteger(size) || size < this.#size || size > cap) {
      throw new RangeError(`cannot commit ${size} bytes (have ${this.#size}, capacity ${cap})`);
    }
    this.#size = size;
    if (this.#sab) weigh(this.#sab);
  }

  /** A worker outgrew the buffer and moved the data to `sab` (which holds all committed bytes). */
  adopt(sab: SharedArrayBuffer): void {
    if (sab.byteLength < this.#size) {
      throw new RangeError(`a ${sab.byteLength}-byte buffer cannot hold ${this.#size} bytes`);
    }
    this.#sab = weigh(sab);
  }

  release(): void {
    this.#sab = null;
    this.#size = 0;
  }
}

/**
 * Bytes in a file; opened lazily on the first write. With `roots`, the file is opened only if it
 * is no symlink and, checked again on the open file, really lies under one of `roots`: a link
 * swapped in later cannot lead a write (or a read) out of them.
 */
export class FileStore implements DataStore {
  readonly path: string;
  readonly #roots: readonly string[] | undefined;
  #file: Deno.FsFile | null = null;
  #size = 0;

  constructor(path: string, roots?: readonly string[]) {
    this.path = path;
    this.#roots = roots;
  }

  get size(): number {
    if (this.#file) return this.#size;
    try {
      return Deno.statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  /** The file opened as `opts` says, after the checks `roots` asks for. */
  open(opts: Deno.OpenOptions): Deno.FsFile {
    const roots = this.#roots;
    if (!roots) return Deno.openSync(this.path, opts);
    if (this.exists() && Deno.lstatSync(this.path).isSymlink) {
      throw new Error(`${this.path} is a symbolic link; file Drops do not follow links`);
    }
    // A file to create: where it would be is checked first, so nothing is made outside.
    if (opts.create && !this.exists()) this.#confine(realPath(this.path), roots);
    const file = Deno.openSync(this.path, { ...opts, truncate: false });
    try {
      const real = realPath(this.path);
      const opened = file.statSync();
      const there = Deno.statSync(real);
      this.#confine(real, roots);
      if (opened.ino !== there.ino || opened.dev !== there.dev) {
        throw new Error(`${this.path} leads outside the session directory (to ${real})`);
      }
      if (opts.truncate) file.truncateSync(0);
      return file;
    } catch (e) {
      file.close();
      throw e;
    }
  }

  #confine(real: string, roots: readonly string[]): void {
    if (!confined(real, roots)) {
      throw new Error(`${this.path} leads outside the session directory (to ${real})`);
    }
  }

  write(chunk: Uint8Array): void {
    this.#file ??= this.open({ write: true, create: true, truncate: true });
    let off = 0;
    while (off < chunk.length) off += this.#file.writeSync(chunk.subarray(off));
    this.#size += chunk.length;
  }

  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  bytes(): Uint8Array {
    if (!this.#roots) return Deno.readFileSync(this.path);
    using file = this.open({ read: true });
    const out = new Uint8Array(file.statSync().size);
    let off = 0;
    while (off < out.length) {
      const n = file.readSync(out.subarray(off));
      if (n === null) break;
      off += n;
    }
    return off === out.length ? out : out.subarray(0, off);
  }

  /** True when the file is there (a link counts, dangling or not). */
  exists(): boolean {
    try {
      Deno.lstatSync(this.path);
      return true;
    } catch {
      return false;
    }
  }

  /** Nothing was written: create the file empty, as DALiuGE's FileDROP does. */
  finish(): void {
    if (!this.#file && !this.exists()) this.open({ write: true, create: true }).close();
  }

  release(): void {}
}

/** Stores nothing: NullDROP and EndDROP only pass events. */
export class NullStore implements DataStore {
  readonly size = 0;
  write(_chunk: Uint8Array): void {}
  close(): void {}
  bytes(): Uint8Array {
    return EMPTY;
  }
  release(): void {}
}
