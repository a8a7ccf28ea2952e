/**
 * Reading frames (see protocol.ts) from a worker's stdout. Payloads land in SharedArrayBuffers
 * sized from the header, so a memory Drop can adopt one as it is: the bytes are copied once,
 * from the pipe into the buffer the Drop keeps.
 */
import { weigh } from "../../memory/mod.ts";

/** Largest header we accept: a bigger one means the stream is out of step. */
const MAX_HEADER = 16 * 1024 * 1024;
const decoder = new TextDecoder();

export interface Frame {
  head: unknown;
  payloads: Uint8Array[];
}

/** Big payloads are read from their files in slices of this size (the event loop runs between). */
const FILE_SLICE = 16 * 1024 * 1024;

/** Read `into` from the file at `path` (a payload the worker left there), then remove it. */
export async function readPayloadFile(path: string, into: Uint8Array): Promise<void> {
  using f = await Deno.open(path, { read: true });
  let off = 0;
  while (off < into.length) {
    const n = await f.read(into.subarray(off, Math.min(into.length, off + FILE_SLICE)));
    if (n === null) throw new Error(`payload file ${path} is short (${off} of ${into.length})`);
    off += n;
  }
  await Deno.remove(path);
}

/** Reaching into the worker's memory (vm.ts), when the pool can. */
export interface MemoryAccess {
  /** Fill `into` from address `addr` of the worker. */
  copyFrom(addr: number, into: Uint8Array): Promise<void>;
  /** Advise a fresh big buffer onto huge pages, before it is filled. */
  hugePages(buf: Uint8Array): void;
}

/** What a byte stream is read into, reused (no fresh 64 KiB buffer per read, as plain reads get). */
const READ_BUFFER = 64 * 1024;

export class FrameReader {
  #reader: ReadableStreamDefaultReader<Uint8Array> | ReadableStreamBYOBReader;
  /** The reused buffer of a byte stream (BYOB reads hand it back), or null for plain reads. */
  #buffer: ArrayBuffer | null = null;
  /** Bytes read and not yet taken (a view of the last chunk: taken before the next read). */
  #rest: Uint8Array | null = null;
  /** Where payload files may be (the pool's private directory). */
  #dir: string;
  #mem: MemoryAccess | null;

  constructor(stream: ReadableStream<Uint8Array>, dir: string, mem: MemoryAccess | null = null) {
    try {
      this.#reader = stream.getReader({ mode: "byob" });
      this.#buffer = new ArrayBuffer(READ_BUFFER);
    } catch {
      this.#reader = stream.getReader(); // not a byte stream
    }
    this.#dir = dir.endsWith("/") ? dir : `${dir}/`;
    this.#mem = mem;
  }

  /** The next chunk, or null at the end of the stream. */
  async #read(): Promise<Uint8Array | null> {
    if (!this.#buffer) {
      const r = await (this.#reader as ReadableStreamDefaultReader<Uint8Array>).read();
      return r.done ? null : r.value;
    }
    const reader = this.#reader as ReadableStreamBYOBReader;
    const r = await reader.read(new Uint8Array(this.#buffer));
    if (r.value) this.#buffer = r.value.buffer as ArrayBuffer;
    return r.done ? null : r.value;
  }

  /** Fill `into` from the stream; false at end of stream before anything was read. */
  async #fill(into: Uint8Array): Promise<boolean> {
    let off = 0;
    while (off < into.length) {
      let chunk = this.#rest;
      this.#rest = null;
      if (!chunk) {
        chunk = await this.#read();
        if (!chunk) {
          if (off === 0) return false;
          throw new Error(`the stream ended inside a frame (${off} of ${into.length} bytes)`);
        }
      }
      const n = Math.min(chunk.length, into.length - off);
      into.set(n === chunk.length ? chunk : chunk.subarray(0, n), off);
      off += n;
      if (n < chunk.length) this.#rest = chunk.subarray(n);
    }
    return true;
  }

  /** The next frame, or null at the end of the stream. */
  async next(): Promise<Frame | null> {
    const len = new Uint8Array(4);
    if (!await this.#fill(len)) return null;
    const n = new DataView(len.buffer).getUint32(0, true);
    if (n > MAX_HEADER) throw new Error(`frame header of ${n} bytes: the stream is out of step`);
    const raw = new Uint8Array(n);
    if (n && !await this.#fill(raw)) throw new Error("the stream ended inside a frame header");
    const head = JSON.parse(decoder.decode(raw)) as Record<string, unknown>;
    const sizes = Array.isArray(head.sizes) ? head.sizes : [];
    const files = Array.isArray(head.files) ? head.files : [];
    const addrs = Array.isArray(head.addrs) ? head.addrs : [];
    const payloads: Uint8Array[] = [];
    for (const [i, s] of sizes.entries()) {
      if (!Number.isSafeInteger(s) || s < 0) throw new Error(`bad payload size ${s}`);
      const p = new Uint8Array(weigh(new SharedArrayBuffer(s)));
      this.#mem?.hugePages(p);
      const file = files[i];
      const addr = addrs[i];
      if (typeof addr === "number") {
        if (!this.#mem) throw new Error("python sent a payload's address, not its bytes");
        await this.#mem.copyFrom(addr, p);
      } else if (typeof file === "string") {
        if (!file.startsWith(this.#dir) || file.includes("/../")) {
          throw new Error(`payload file ${file} is outside ${this.#dir}`);
        }
        await readPayloadFile(file, p);
      } else if (s && !await this.#fill(p)) throw new Error("the stream ended inside a payload");
      payloads.push(p);
    }
    return { head, payloads };
  }

  /** Stop reading (the process is gone or being stopped). */
  cancel(): Promise<void> {
    return this.#reader.cancel().catch(() => {});
  }
}
