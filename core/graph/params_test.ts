import assert from "node:assert/strict";
import { rawParam, resolveParams } from "./params.ts";

Deno.test("rawParam prefers applicationArgs, then the top-level key, componentParams, fields", () => {
  const spec = {
    x: 1,
    applicationArgs: { x: { value: 2 } },
    componentParams: { x: { value: 3 }, y: { value: 4 } },
    fields: [{ name: "z", value: 5 }],
  };
  assert.equal(rawParam(spec, "x"), 2);
  assert.equal(rawParam(spec, "y"), 4);
  assert.equal(rawParam(spec, "z"), 5);
  assert.equal(rawParam(spec, "w"), undefined);
});

Deno.test("rawParam treats empty strings and null as unset and falls through", () => {
  assert.equal(rawParam({ x: 7, applicationArgs: { x: { value: "" } } }, "x"), 7);
  assert.equal(rawParam({ x: null, componentParams: { x: { value: "3" } } }, "x"), "3");
});

Deno.test("resolveParams coerces as DALiuGE does", () => {
  const p = resolveParams(
    { a: "5", b: " 2.5 ", c: "0", d: 3, e: true, f: "" },
    { a: "int", b: "float", c: "bool", d: "string", e: "bool", f: "float" },
  );
  assert.deepEqual(p, { a: 5, b: 2.5, c: true, d: "3", e: true });
});

Deno.test("resolveParams names the parameter it cannot coerce", () => {
  assert.throws(() => resolveParams({ n: "five" }, { n: "int" }), /parameter n = "five"/);
  assert.throws(() => resolveParams({ n: 1.5 }, { n: "int" }), /integer/);
  assert.throws(() => resolveParams({ n: {} }, { n: "float" }), /number/);
});

Deno.test("resolveParams shares one empty object when nothing is set", () => {
  assert.equal(resolveParams({}, { a: "int" }), resolveParams({ b: 1 }, { a: "int" }));
});
