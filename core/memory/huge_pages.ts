/**
 * Large memory buffers ask Linux for transparent huge pages (`madvise(MADV_HUGEPAGE)`) before
 * their first byte is written. Filling fresh memory costs one page fault per 4 KiB page; on this
 * project's VMs a fault is slow enough (~25 us) that a 256 MiB Drop filled at 0.15 GB/s whatever
 * fed it. With 2 MiB pages there are 512 times fewer faults (docs/performance.md, "remote
 * read"). Only where the OS has the advice (Linux, glibc) and the process may use FFI
 * (`--allow-ffi`, or `-A`); elsewhere nothing happens.
 */

const MADV_HUGEPAGE = 14;
const HUGE = 2n * 1024n * 1024n;

/** Buffers from this size on are advised (smaller ones hold few whole huge pages). */
export const HUGE_PAGES_FROM = 8 * 1024 * 1024;

type Madvise = (addr: Deno.PointerValue, len: bigint, advice: number) => number;

/** libc's madvise, when there is one and FFI is granted (never prompts for it). */
function openMadvise(): Madvise | undefined {
  if (Deno.build.os !== "linux") return undefined;
  try {
    if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") return undefined;
    const lib = Deno.dlopen("libc.so.6", {
      madvise: { parameters: ["pointer", "usize", "i32"], result: "i32" },
    });
    return (addr, len, advice) => lib.symbols.madvise(addr, len, advice);
  } catch {
    return undefined;
  }
}

/** Opened once per process, on first import: a library opened inside a test would count as leaked. */
const madvise = openMadvise();

/**
 * Advise huge pages for the whole 2 MiB-aligned pages inside `mem` (not yet written): a view's
 * own bytes, or a buffer (a growable one up to its maximum, the address range it holds for
 * growing), when it is at least `from` bytes. Only page sizes change: contents, length and
 * ownership do not. True when the advice was taken.
 */
export function adviseHugePages(
  mem: SharedArrayBuffer | Uint8Array,
  from = HUGE_PAGES_FROM,
): boolean {
  const view = mem instanceof Uint8Array ? mem : new Uint8Array(mem);
  const size = mem instanceof Uint8Array
    ? mem.length
    : mem.growable
    ? mem.maxByteLength
    : mem.byteLength;
  if (!madvise || size < from || view.byteLength === 0) return false;
  const addr = BigInt(Deno.UnsafePointer.value(Deno.UnsafePointer.of(view)));
  if (addr === 0n) return false;
  const start = (addr + HUGE - 1n) / HUGE * HUGE;
  const len = (addr + BigInt(size) - start) / HUGE * HUGE;
  if (len <= 0n) return false;
  return madvise(Deno.UnsafePointer.create(start), len, MADV_HUGEPAGE) === 0;
}
