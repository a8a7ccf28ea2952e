import assert from "node:assert/strict";
import { DropClasses } from "../apps/mod.ts";
import { normalizeSpec } from "./normalize.ts";

const classes = new DropClasses();

const app = (outputs: unknown) => ({
  oid: "A",
  categoryType: "Application",
  dropclass: "dlg.apps.simple.NullBarrierApp",
  outputs,
});

Deno.test("normalizeSpec reads both link styles, mixed and repeated, with port names", () => {
  const s = normalizeSpec(app(["B", { C: "out" }, { B: "again" }, "C"]), 0, classes);
  assert.deepEqual(s.links.outputs, ["B", "C"]);
  assert.deepEqual(s.ports, { C: "out", B: "again" });
});

Deno.test("normalizeSpec names the Drop and the problem for a bad link entry", () => {
  const cases: [unknown, RegExp][] = [
    [[""], /an OID must not be empty/],
    [[{ "": "p" }], /an OID must not be empty/],
    [[{ B: "p", C: "q" }], /a link object must have exactly one key/],
    [[{}], /a link object must have exactly one key/],
    [[5], /a link must be an OID string or an \{oid: port\} object/],
    [[["B"]], /a link must be an OID string or an \{oid: port\} object/],
    ["B", /a link list must be an array/],
  ];
  for (const [outputs, why] of cases) {
    assert.throws(() => normalizeSpec(app(outputs), 0, classes), (e: Error) => {
      assert.match(e.message, /^Drop A /);
      assert.match(e.message, why);
      return true;
    }, JSON.stringify(outputs));
  }
});
