import assert from "node:assert/strict";
import { ndarray, toNumbers } from "./npy.ts";
import { asArray, asNumber, decodeValue, encodeValue, isNdArray } from "./values.ts";
import { gather, toJson } from "./arrays.ts";

const text = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("encodeValue writes arrays as .npy and everything else as JSON", () => {
  assert.equal(text(encodeValue(5)), "5");
  assert.equal(text(encodeValue(null)), "null");
  assert.equal(text(encodeValue(["a", 1, true])), '["a",1,true]');
  const npy = encodeValue(ndarray("<i8", [2], [7, 8]));
  assert.equal(text(npy.subarray(1, 6)), "NUMPY");
});

Deno.test("decodeValue reads .npy, JSON, plain text and empty data", () => {
  const a = decodeValue(encodeValue(ndarray("<f8", [2], [0.5, 1])));
  assert.ok(isNdArray(a));
  assert.deepEqual(toNumbers(a), [0.5, 1]);
  assert.equal(decodeValue(encodeValue(42)), 42);
  assert.deepEqual(decodeValue(encodeValue({ k: [1] })), { k: [1] });
  assert.equal(decodeValue(new TextEncoder().encode("Hello World")), "Hello World");
  assert.equal(decodeValue(new Uint8Array(0)), null);
});

Deno.test("asNumber takes numbers, numeric strings and one-element arrays only", () => {
  assert.equal(asNumber(3), 3);
  assert.equal(asNumber("2.5"), 2.5);
  assert.equal(asNumber(ndarray("<i8", [1], [9])), 9);
  assert.equal(asNumber([4]), 4);
  assert.equal(asNumber("abc"), undefined);
  assert.equal(asNumber(null), undefined);
  assert.equal(asNumber(ndarray("<i8", [2], [1, 2])), undefined);
});

Deno.test("asArray turns JSON lists into int64 or float64 arrays as np.array does", () => {
  const ints = asArray([1, 2, 3]);
  assert.deepEqual([ints.dtype, ints.shape], ["<i8", [3]]);
  const floats = asArray([[1, 2.5], [3, 4]]);
  assert.deepEqual([floats.dtype, floats.shape, toNumbers(floats)], ["<f8", [2, 2], [
    1,
    2.5,
    3,
    4,
  ]]);
  assert.deepEqual(asArray(7).shape, []);
  assert.throws(() => asArray("text"), /expected an array/);
  assert.throws(() => asArray([1, "x"]), /expected an array/);
});

Deno.test("gather stacks numbers and same-shaped arrays, else makes a JSON list", () => {
  const nums = gather([1, 2, 3]);
  assert.ok(isNdArray(nums));
  assert.deepEqual(toNumbers(nums), [1, 2, 3]);
  const stacked = gather([ndarray("<i8", [2], [1, 2]), ndarray("<i8", [2], [3, 4])]);
  assert.ok(isNdArray(stacked));
  assert.deepEqual([stacked.shape, toNumbers(stacked)], [[2, 2], [1, 2, 3, 4]]);
  assert.deepEqual(gather([ndarray("<i8", [1], [1]), "x", null]), [[1], "x", null]);
  assert.deepEqual(toJson(ndarray("|b1", [2], [1, 0])), [true, false]);
});
