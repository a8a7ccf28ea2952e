/**
 * Big payloads between the node and its workers without files, when the node may use FFI on
 * Linux: copied straight from and into a worker's memory (process_vm_readv / process_vm_writev,
 * one copy, off the event loop), into buffers advised onto transparent huge pages from HUGE_FROM
 * bytes (`adviseHugePages`, by the pool). On this machine class (a VM) a first touch of a 4 KiB
 * page costs ~15 us: 256 MiB of fresh memory took 1.1 s to fill, 0.13 s on huge pages. Without
 * FFI (or when the kernel refuses) the pool keeps passing big payloads through files.
 */
const SYMBOLS = {
  process_vm_readv: {
    parameters: ["i32", "pointer", "usize", "pointer", "usize", "usize"],
    result: "isize",
    nonblocking: true,
  },
  process_vm_writev: {
    parameters: ["i32", "pointer", "usize", "pointer", "usize", "usize"],
    result: "isize",
    nonblocking: true,
  },
} as const;

/** Buffers from this size on are advised onto huge pages. */
export const HUGE_FROM = 4 * 1024 * 1024;

type Lib = Deno.DynamicLibrary<typeof SYMBOLS>;

export class Vm {
  #lib: Lib;
  /** Copies running on FFI threads, and whether close() waits for them. */
  #running = 0;
  #closing = false;

  private constructor(lib: Lib) {
    this.#lib = lib;
  }

  /** The C library's calls, or null when FFI is not granted or this is not Linux. */
  static open(): Vm | null {
    if (Deno.build.os !== "linux") return null;
    try {
      if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return null;
      for (const name of ["libc.so.6", "libc.so"]) {
        try {
          return new Vm(Deno.dlopen(name, SYMBOLS));
        } catch { /* try the next name */ }
      }
    } catch { /* no FFI in this runtime */ }
    return null;
  }

  /** Copy `into.length` bytes from address `addr` of process `pid`. */
  read(pid: number, addr: number, into: Uint8Array): Promise<void> {
    return this.#copy("process_vm_readv", pid, addr, into);
  }

  /** Copy `from` to address `addr` of process `pid`. */
  write(pid: number, addr: number, from: Uint8Array): Promise<void> {
    return this.#copy("process_vm_writev", pid, addr, from);
  }

  /** Close the library (once the copies still running have ended). */
  close(): void {
    this.#closing = true;
    if (!this.#running) this.#lib.close();
  }

  async #copy(
    fn: "process_vm_readv" | "process_vm_writev",
    pid: number,
    addr: number,
    buf: Uint8Array,
  ): Promise<void> {
    if (this.#closing) throw new Error("the python pool is stopped");
    this.#running++;
    try {
      await this.#copyAll(fn, pid, addr, buf);
    } finally {
      if (!--this.#running && this.#closing) this.#lib.close();
    }
  }

  async #copyAll(
    fn: "process_vm_readv" | "process_vm_writev",
    pid: number,
    addr: number,
    buf: Uint8Array,
  ): Promise<void> {
    if (!Number.isSafeInteger(addr) || addr <= 0) throw new Error(`bad worker address ${addr}`);
    const base = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(buf)));
    // Two iovecs (ours, the worker's): { base, length } each.
    const iov = new BigUint64Array(4);
    for (let off = 0; off < buf.length;) {
      const left = BigInt(buf.length - off);
      iov.set([base + BigInt(off), left, BigInt(addr + off), left]);
      const local = Deno.UnsafePointer.of(iov);
      const remote = Deno.UnsafePointer.of(iov.subarray(2));
      const n = Number(await this.#lib.symbols[fn](pid, local, 1n, remote, 1n, 0n));
      if (n <= 0) throw new Error(`${fn} of worker ${pid} failed at byte ${off} of ${buf.length}`);
      off += n;
    }
  }
}
