import assert from "node:assert/strict";
import { HUGE_PAGES_FROM } from "../memory/mod.ts";
import { MemoryStore } from "./store.ts";

const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

Deno.test("reserve: one exact buffer for the bytes to come, no growth while they arrive", () => {
  const s = new MemoryStore();
  s.reserve(10);
  const buf = s.buffer!;
  assert.equal(buf.byteLength, 10);
  assert.equal(buf.growable, false);
  s.write(bytes(4));
  s.write(bytes(6, 9));
  assert.equal(s.buffer, buf);
  assert.deepEqual([...s.bytes()], [...bytes(4), ...bytes(6, 9)]);
});

Deno.test("reserve: more bytes than reserved still fit (the store grows, nothing is lost)", () => {
  const s = new MemoryStore();
  s.reserve(4);
  s.write(bytes(3));
  s.write(bytes(5, 2));
  assert.equal(s.size, 8);
  assert.deepEqual([...s.bytes()], [...bytes(3), ...bytes(5, 2)]);
});

Deno.test("reserve changes nothing once bytes are there, for sizes no buffer has, or below expectedSize", () => {
  const s = new MemoryStore();
  s.write(bytes(3));
  const buf = s.buffer;
  s.reserve(1000);
  assert.equal(s.buffer, buf);
  const huge = new MemoryStore();
  huge.reserve(2 ** 60);
  huge.reserve(2 ** 50); // a safe integer, but no buffer can be that large
  huge.reserve(Number.NaN);
  huge.reserve(-5);
  assert.equal(huge.buffer, null);
  huge.write(bytes(2));
  assert.equal(huge.size, 2);
  const declared = new MemoryStore(100);
  declared.reserve(50);
  declared.write(bytes(1));
  assert.equal(declared.buffer!.byteLength, 100);
});

Deno.test("a large memory Drop written and read back whole", () => {
  const n = HUGE_PAGES_FROM * 2 + 123;
  const s = new MemoryStore(n);
  const chunk = bytes(65536, 3);
  for (let off = 0; off < n; off += chunk.length) {
    s.write(chunk.subarray(0, Math.min(chunk.length, n - off)));
  }
  const all = s.bytes();
  assert.equal(all.length, n);
  assert.equal(all[n - 1], chunk[(n - 1) % chunk.length]);
  assert.equal(all[70000], chunk[70000 % chunk.length]);
});
