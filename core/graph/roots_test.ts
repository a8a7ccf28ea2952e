import assert from "node:assert/strict";
import { graphRoots } from "./roots.ts";

Deno.test("graphRoots finds Drops nothing feeds, whichever side declares the links", () => {
  assert.deepEqual(
    graphRoots([
      { oid: "A", consumers: ["B"] },
      { oid: "B", outputs: [{ C: "out" }] },
      { oid: "C" },
      { oid: "D", uid: "d-uid", outputs: ["E"] },
      { oid: "E", producers: ["D"] },
      { oid: "F", inputs: ["G"] },
      { oid: "G" },
      {},
    ]),
    ["A", "d-uid", "G"],
  );
});
