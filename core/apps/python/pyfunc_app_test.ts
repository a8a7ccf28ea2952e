import assert from "node:assert/strict";
import { inputEncoding } from "./pyfunc_app.ts";

Deno.test("inputEncoding: the entry's, dill without one, none for an empty or unknown one", () => {
  const args = {
    a: { encoding: "npy" },
    b: {},
    c: { encoding: "" },
    d: { encoding: "bogus" },
    e: { encoding: "raw" },
  };
  assert.equal(inputEncoding(undefined, {}, "x"), "dill", "no applicationArgs: every port dill");
  assert.equal(inputEncoding(args, {}, "a"), "npy");
  assert.equal(inputEncoding(args, {}, "b"), "dill");
  assert.equal(inputEncoding(args, {}, "c"), undefined, "empty: the port is ignored");
  assert.equal(inputEncoding(args, {}, "d"), undefined, "unknown: the port is ignored");
  assert.equal(inputEncoding(args, {}, "e"), "raw", "read as dill by the runner");
  assert.equal(inputEncoding(args, {}, "z"), undefined, "no entry: ignored");
  assert.equal(inputEncoding(args, { z: 5 }, "z"), "dill", "no entry but a top-level value");
});
