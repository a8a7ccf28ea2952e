// Module apps for tests/bench/workers.ts: fill a big output in place, read inputs fully, spin.
import type { ModuleContext } from "../../../core/exec/module_api.ts";

/** Fill output 0 with `size` bytes in place (one alloc, no intermediate buffer). */
export function produce(ctx: ModuleContext): void {
  const size = Number(ctx.params.size);
  const view = ctx.outputs[0]!.alloc(size);
  const words = new Int32Array(view.buffer, view.byteOffset, size >> 2);
  for (let i = 0; i < words.length; i++) words[i] = i;
}

/**
 * XOR of all 32-bit words. The 4-word loop and the tail have an index each: with one index
 * shared by both loops V8 compiled the main loop 25-35% slower (120 ms against 94 per 256 MiB
 * here), and the row measured that rather than the shared memory.
 */
function xorWords(words: Int32Array): number {
  let x = 0;
  const n = words.length & ~3;
  for (let i = 0; i < n; i += 4) x ^= words[i]! ^ words[i + 1]! ^ words[i + 2]! ^ words[i + 3]!;
  for (let i = n; i < words.length; i++) x ^= words[i]!;
  return x;
}

/** Read every byte of every input (XOR of 32-bit words); write the checksum. */
export function read(ctx: ModuleContext): void {
  let x = 0;
  for (const input of ctx.inputs) {
    const b = input.bytes;
    x ^= xorWords(new Int32Array(b.buffer, b.byteOffset, b.length >> 2));
  }
  ctx.outputs[0]?.write(String(x));
}

/** Keep a core busy for `ms` milliseconds. */
export function spin(ctx: ModuleContext): void {
  const end = Date.now() + Number(ctx.params.ms ?? 1000);
  let x = 0;
  while (Date.now() < end) for (let i = 0; i < 1e5; i++) x += i;
  ctx.outputs[0]?.write(String(x));
}
