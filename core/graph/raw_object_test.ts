import assert from "node:assert/strict";
import { innerPieces, rawEntries } from "./raw_object.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();

Deno.test("rawEntries: each key, and its value's bytes as written", () => {
  const text = ' { "a" : {"x":"}\\"{","y":[1,{"z":2}]} ,"b\\u00e9\\"":"s","c":null,"d":-1.5e3 } ';
  const b = enc.encode(text);
  const got = [...rawEntries(b)].map((e) => [e.key, dec.decode(b.subarray(e.valueStart, e.end))]);
  assert.deepEqual(got, [
    ["a", '{"x":"}\\"{","y":[1,{"z":2}]}'],
    ['bé"', '"s"'],
    ["c", "null"],
    ["d", "-1.5e3"],
  ]);
  assert.deepEqual([...rawEntries(enc.encode(" {} "))], []);
});

Deno.test("rawEntries: anything but one object throws SyntaxError", () => {
  for (const bad of ["[1]", '{"a":1', '{"a" 1}', '{"a":1,}', '{"a":1} x', "{a:1}", ""]) {
    assert.throws(() => [...rawEntries(enc.encode(bad))], SyntaxError, bad);
  }
});

Deno.test("innerPieces: an object's entries without its braces, over any pieces", () => {
  const text = (pieces: Uint8Array[] | undefined) => pieces?.map((p) => dec.decode(p)).join("");
  assert.equal(text(innerPieces([enc.encode(' { "a":1, "b":2 } ')])), '"a":1, "b":2');
  assert.equal(text(innerPieces([enc.encode('{"a":'), enc.encode("1"), enc.encode("}")])), '"a":1');
  assert.equal(innerPieces([enc.encode(" { } ")]), undefined);
  assert.equal(innerPieces([enc.encode("{"), enc.encode("}")]), undefined);
  assert.equal(innerPieces([]), undefined);
  assert.throws(() => innerPieces([enc.encode("[1]")]), SyntaxError);
});
