import assert from "node:assert/strict";
import { adviseHugePages, HUGE_PAGES_FROM, weigh, WEIGH_FROM } from "./mod.ts";

const bytes = (n: number, seed = 1) =>
  Uint8Array.from({ length: n }, (_, i) => (i * 7 + seed) & 255);

Deno.test("huge pages: large buffers are advised (Linux, FFI granted), contents and size unchanged", () => {
  const small = new SharedArrayBuffer(HUGE_PAGES_FROM - 1);
  assert.equal(adviseHugePages(small), false);
  const big = new SharedArrayBuffer(HUGE_PAGES_FROM + 4096);
  new Uint8Array(big).set(bytes(64), 1000);
  const advised = adviseHugePages(big);
  if (Deno.build.os === "linux") assert.equal(advised, true);
  assert.equal(big.byteLength, HUGE_PAGES_FROM + 4096);
  assert.deepEqual([...new Uint8Array(big, 1000, 64)], [...bytes(64)]);
  const growable = new SharedArrayBuffer(1, { maxByteLength: 4 * HUGE_PAGES_FROM });
  if (Deno.build.os === "linux") assert.equal(adviseHugePages(growable), true);
  growable.grow(HUGE_PAGES_FROM);
  new Uint8Array(growable).fill(5);
  assert.equal(new Uint8Array(growable)[HUGE_PAGES_FROM - 1], 5);
});

/** How many of `count` buffers of `size` bytes, made and dropped in turn, were collected. */
async function collected(count: number, size: number, weighed: boolean): Promise<number> {
  let freed = 0;
  const registry = new FinalizationRegistry<number>(() => freed++);
  for (let i = 0; i < count; i++) {
    const sab = new SharedArrayBuffer(size);
    registry.register(weighed ? weigh(sab) : sab, i);
  }
  // Finalizers run from the event loop: give them a few turns.
  for (let i = 0; i < 20 && freed === 0; i++) await new Promise((r) => setTimeout(r, 10));
  return freed;
}

Deno.test("weigh: dead shared buffers are collected as they pile up; unweighed ones are not", async () => {
  // 40 x 64 MiB of address space (never written, so no memory): the collector only runs
  // because of the weights.
  assert.equal(await collected(40, 64 * 1024 * 1024, false), 0);
  assert.ok(await collected(40, 64 * 1024 * 1024, true) > 0);
});

Deno.test("weigh: contents, length and growth unchanged; small buffers carry nothing", () => {
  const small = new SharedArrayBuffer(WEIGH_FROM - 1);
  assert.equal(weigh(small), small);
  assert.equal(Object.getOwnPropertySymbols(small).length, 0);
  const big = new SharedArrayBuffer(WEIGH_FROM);
  new Uint8Array(big).set(bytes(64), 100);
  assert.equal(weigh(big), big);
  assert.equal(big.byteLength, WEIGH_FROM);
  assert.deepEqual([...new Uint8Array(big, 100, 64)], [...bytes(64)]);
  const weight = () => {
    const [key] = Object.getOwnPropertySymbols(growable);
    return key ? (Reflect.get(growable, key) as ArrayBuffer).byteLength : 0;
  };
  const growable = new SharedArrayBuffer(WEIGH_FROM, { maxByteLength: 8 * WEIGH_FROM });
  weigh(growable);
  assert.equal(weight(), WEIGH_FROM);
  growable.grow(WEIGH_FROM + 1);
  weigh(growable); // less than doubled: the same weight
  assert.equal(weight(), WEIGH_FROM);
  growable.grow(4 * WEIGH_FROM);
  weigh(growable);
  assert.equal(weight(), 4 * WEIGH_FROM);
  assert.equal(growable.byteLength, 4 * WEIGH_FROM);
  // A weighed buffer still crosses to a worker (structured clone ignores the weight).
  assert.equal(structuredClone(big).byteLength, WEIGH_FROM);
});
