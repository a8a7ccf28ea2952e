/** Where a data Drop's bytes live: shared memory, a file, or nowhere. */

export interface DataStore {
  /** Append bytes. */
  write(chunk: Uint8Array): void;
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
}

const EMPTY = new Uint8Array(0);
const MIN_CAPACITY = 64 * 1024;

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
      return;
    }
    if (!sab && this.#expected >= need) {
      this.#sab = new SharedArrayBuffer(this.#expected);
      return;
    }
    const max = Math.max(MIN_CAPACITY, need * 2);
    const next = new SharedArrayBuffer(need, { maxByteLength: max });
    if (sab) new Uint8Array(next).set(new Uint8Array(sab, 0, this.#size));
    this.#sab = next;
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
        ? new SharedArrayBuffer(this.#expected)
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
  }

  /** A worker outgrew the buffer and moved the data to `sab` (which holds all committed bytes). */
  adopt(sab: SharedArrayBuffer): void {
    if (sab.byteLength < this.#size) {
      throw new RangeError(`a ${sab.byteLength}-byte buffer cannot hold ${this.#size} bytes`);
    }
    this.#sab = sab;
  }

  release(): void {
    this.#sab = null;
    this.#size = 0;
  }
}

/** Bytes in a file; opened lazily on the first write. */
export class FileStore implements DataStore {
  readonly path: string;
  #file: Deno.FsFile | null = null;
  #size = 0;

  constructor(path: string) {
    this.path = path;
  }

  get size(): number {
    if (this.#file) return this.#size;
    try {
      return Deno.statSync(this.path).size;
    } catch {
      return 0;
    }
  }

  write(chunk: Uint8Array): void {
    if (!this.#file) {
      this.#file = Deno.openSync(this.path, { write: true, create: true, truncate: true });
    }
    let off = 0;
    while (off < chunk.length) off += this.#file.writeSync(chunk.subarray(off));
    this.#size += chunk.length;
  }

  close(): void {
    this.#file?.close();
    this.#file = null;
  }

  bytes(): Uint8Array {
    return Deno.readFileSync(this.path);
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
