import assert from "node:assert/strict";
import { arraySplit, decodeNpy, encodeNpy, isNpy, ndarray, toNumbers } from "./npy.ts";

// Written by NumPy 2.4 (`np.save`), base64.
const NP_I8 =
  "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDMsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoDAAAAAAAAAAEAAAAAAAAABAAAAAAAAAA=";
const NP_F8_2D =
  "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDIsIDIpLCB9ICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4PwAAAAAAAABAAAAAAAAACEAAAAAAAAARwA==";
const NP_B1_0D =
  "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoB";
const NP_F8_EMPTY =
  "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKDAsKSwgfSAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAo=";

const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

Deno.test("decodeNpy reads what NumPy writes: int64, 2-d float64, 0-d bool, empty", () => {
  const i8 = decodeNpy(b64(NP_I8));
  assert.equal(i8.dtype, "<i8");
  assert.deepEqual(i8.shape, [3]);
  assert.deepEqual(toNumbers(i8), [3, 1, 4]);
  const f8 = decodeNpy(b64(NP_F8_2D));
  assert.deepEqual([f8.dtype, f8.shape, toNumbers(f8)], ["<f8", [2, 2], [1.5, 2, 3, -4.25]]);
  const b1 = decodeNpy(b64(NP_B1_0D));
  assert.deepEqual([b1.dtype, b1.shape, toNumbers(b1)], ["|b1", [], [1]]);
  const empty = decodeNpy(b64(NP_F8_EMPTY));
  assert.deepEqual([empty.shape, empty.data.length], [[0], 0]);
});

Deno.test("encodeNpy writes the same bytes as NumPy's np.save (v1.0, 64-byte aligned)", () => {
  assert.deepEqual(encodeNpy(ndarray("<i8", [3], [3, 1, 4])), b64(NP_I8));
  assert.deepEqual(encodeNpy(ndarray("<f8", [2, 2], [1.5, 2, 3, -4.25])), b64(NP_F8_2D));
  assert.deepEqual(encodeNpy(ndarray("|b1", [], [1])), b64(NP_B1_0D));
  assert.deepEqual(encodeNpy(ndarray("<f8", [0])), b64(NP_F8_EMPTY));
});

Deno.test("encodeNpy/decodeNpy round-trip every supported dtype", () => {
  for (const dtype of ["<f4", "<i4", "<i2", "|i1", "<u8", "<u4", "<u2", "|u1"] as const) {
    const a = ndarray(dtype, [2, 3], [1, 2, 3, 4, 5, 6]);
    const back = decodeNpy(encodeNpy(a));
    assert.deepEqual([back.dtype, back.shape, toNumbers(back)], [dtype, [2, 3], [
      1,
      2,
      3,
      4,
      5,
      6,
    ]]);
  }
});

Deno.test("decodeNpy rejects what it cannot read with a reason", () => {
  assert.equal(isNpy(new TextEncoder().encode("[1, 2]")), false);
  assert.throws(() => decodeNpy(new TextEncoder().encode("[1,2,3,4,5,6,7]")), /magic/);
  const bigEndian = encodeNpy(ndarray("<i4", [1], [1]));
  bigEndian[21] = ">".charCodeAt(0); // 'descr': '<i4' -> '>i4'
  assert.throws(() => decodeNpy(bigEndian), /unsupported .npy dtype >i4/);
  assert.throws(() => decodeNpy(b64(NP_I8).subarray(0, 140)), /truncated/);
});

Deno.test("arraySplit splits like np.array_split: the first len % n parts get one more", () => {
  const parts = arraySplit(ndarray("<i8", [7], [0, 1, 2, 3, 4, 5, 6]), 3);
  assert.deepEqual(parts.map(toNumbers), [[0, 1, 2], [3, 4], [5, 6]]);
  const rows = arraySplit(ndarray("<f8", [3, 2], [1, 2, 3, 4, 5, 6]), 2);
  assert.deepEqual(rows.map((r) => [r.shape, toNumbers(r)]), [[[2, 2], [1, 2, 3, 4]], [[1, 2], [
    5,
    6,
  ]]]);
  assert.deepEqual(arraySplit(ndarray("<i8", [1], [9]), 2).map((p) => p.shape), [[1], [0]]);
});
