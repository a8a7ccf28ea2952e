/**
 * SharedArrayBuffers the garbage collector can weigh. V8 counts an ArrayBuffer's bytes as
 * external memory, and frees dead ones promptly as that grows; a SharedArrayBuffer counts 0
 * bytes (it may be shared by several isolates), so dead ones pile up until something else
 * collects the heap. A 256 MiB Drop read three times left 768 MiB behind, and each new buffer
 * came from memory this VM had to back again (about 700 ms per 256 MiB instead of 100 ms;
 * docs/performance.md, round 12). So each large buffer carries a weight: an ArrayBuffer of the
 * same length, never written (calloc'd pages: address space, not memory), that makes V8 count
 * it. The weight lives and dies with the buffer object; every isolate that holds the buffer
 * weighs its own object.
 */
/** Buffers from this size on carry a weight (smaller ones are not worth a second allocation). */
export const WEIGH_FROM = 1024 * 1024;

const WEIGHT = Symbol("weight");

type Weighed = SharedArrayBuffer & { [WEIGHT]?: ArrayBuffer };

/**
 * Make V8 count `sab`'s current length (a growable one is weighed again once it has doubled).
 * Best effort: without the address space for the weight, nothing changes. Returns `sab`.
 */
export function weigh(sab: SharedArrayBuffer): SharedArrayBuffer {
  const size = sab.byteLength;
  if (size < WEIGH_FROM) return sab;
  const b = sab as Weighed;
  const now = b[WEIGHT]?.byteLength ?? 0;
  if (now * 2 > size) return sab;
  try {
    Object.defineProperty(b, WEIGHT, { value: new ArrayBuffer(size), configurable: true });
  } catch {
    // No address space for it: the buffer is only freed later.
  }
  return sab;
}
