import assert from "node:assert/strict";
import * as v from "valibot";
import { DropSpecSchema, fitsDropSpec } from "./schema.ts";
import { LINK_KEYS } from "../wire/mod.ts";

const base = { oid: "a", categoryType: "Data" };
const odd: unknown[] = [
  undefined,
  null,
  "",
  "x",
  0,
  1.5,
  NaN,
  true,
  [],
  ["b"],
  [""],
  [{ b: "port" }],
  [{}],
  [{ b: 1, c: 2 }],
  [1],
  {},
];

Deno.test("fitsDropSpec agrees with DropSpecSchema on every key and value", () => {
  const keys = [
    "oid",
    "uid",
    "categoryType",
    "dropclass",
    "appclass",
    "Application",
    "storage",
    "node",
    "island",
    ...LINK_KEYS,
    "other",
  ];
  let checked = 0;
  for (const k of keys) {
    for (const x of odd) {
      const spec: Record<string, unknown> = { ...base, [k]: x };
      assert.equal(fitsDropSpec(spec), v.is(DropSpecSchema, spec), `${k} = ${String(x)}`);
      checked++;
    }
  }
  assert.equal(fitsDropSpec({ categoryType: "Data" }), false);
  assert.equal(fitsDropSpec(base), true);
  assert.ok(checked > 200);
});
