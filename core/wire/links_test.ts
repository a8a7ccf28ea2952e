import assert from "node:assert/strict";
import { linkOid, linkOids } from "./mod.ts";

Deno.test("linkOids reads both list forms, mixed, in order", () => {
  assert.deepEqual(linkOids(["a", "b"]), ["a", "b"]);
  assert.deepEqual(linkOids([{ a: "in" }, { b: "out" }]), ["a", "b"]);
  assert.deepEqual(linkOids(["a", { b: "port" }, "c"]), ["a", "b", "c"]);
  assert.deepEqual(linkOids(undefined), []);
  assert.deepEqual(linkOids(null), []);
  assert.deepEqual(linkOids("a"), [], "a string is not a list");
});

Deno.test("linkOid names no OID for entries that are not links", () => {
  assert.equal(linkOid("x"), "x");
  assert.equal(linkOid({ x: "port" }), "x");
  for (const bad of [5, null, undefined, ["x"], {}]) assert.equal(linkOid(bad), undefined);
});
