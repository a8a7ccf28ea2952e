import assert from "node:assert/strict";
import { findCycle } from "./cycles.ts";

Deno.test("findCycle: none in a DAG, across batches and with shared Drops", () => {
  assert.equal(findCycle([]), undefined);
  assert.equal(findCycle([["A", "B", "B", "C"], ["A", "C", "C", "D"]]), undefined);
  assert.equal(findCycle([["A", "B"], ["A", "B"]]), undefined, "a link said from both ends");
});

Deno.test("findCycle: names a Drop on a cycle, a self-loop included", () => {
  assert.equal(findCycle([["X", "X"]]), "X");
  const oid = findCycle([["A", "B", "B", "C"], ["C", "D", "D", "B"], ["D", "E"]]);
  assert.ok(["B", "C", "D"].includes(oid!), `${oid} is on B -> C -> D -> B`);
});
