import assert from "node:assert/strict";
import { packBySize } from "./pack.ts";

Deno.test("packBySize keeps order and fills each part up to maxBytes", () => {
  const parts = packBySize([3, 3, 3, 5, 1], (n) => n, { maxBytes: 6 });
  assert.deepEqual(parts, [[3, 3], [3], [5, 1]]);
});

Deno.test("packBySize gives an item larger than maxBytes a part of its own", () => {
  assert.deepEqual(packBySize([1, 9, 1], (n) => n, { maxBytes: 4 }), [[1], [9], [1]]);
});

Deno.test("packBySize caps the items per part with maxItems", () => {
  const parts = packBySize(["a", "b", "c", "d", "e"], () => 1, { maxBytes: 100, maxItems: 2 });
  assert.deepEqual(parts, [["a", "b"], ["c", "d"], ["e"]]);
  assert.deepEqual(packBySize([], () => 1, { maxBytes: 1 }), []);
});
