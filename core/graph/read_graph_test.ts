import assert from "node:assert/strict";
import { graphItems, parseJson, readGraph, SLICED_FROM } from "./mod.ts";

const enc = new TextEncoder();
const pad = "x".repeat(200);
/** More elements than fit one slice, with spaces, nesting and escapes in between. */
const big = Array.from({ length: 2 * SLICED_FROM / 200 }, (_, i) => ({
  oid: `d${i}`,
  categoryType: "Data",
  note: i % 7 ? pad : { 'a"]}': ["[", "{", ",", 1.5e3, null] },
}));

Deno.test("readGraph reads a large body in slices as graphItems(parseJson()) does", async () => {
  const bytes = enc.encode(` [ ${big.map((x) => JSON.stringify(x)).join(" ,\n")} , {} ]\n`);
  assert.ok(bytes.length > SLICED_FROM);
  assert.deepEqual(await readGraph(bytes), graphItems(parseJson(bytes)));
  assert.equal((await readGraph(bytes)).length, big.length);
});

Deno.test("readGraph reports a large body's errors as a full parse does", async () => {
  const body = (tail: string) =>
    enc.encode(`[${big.map((x) => JSON.stringify(x)).join(",")}${tail}`);
  const rejects = (b: Uint8Array, re: RegExp) =>
    assert.rejects(
      () => readGraph(b),
      (e: Error) => re.test(String((e as { args?: string[] }).args?.[0])),
    );
  await rejects(
    body(",1]"),
    new RegExp(`Invalid graph: ${big.length}: each element must be a JSON object`),
  );
  await rejects(body(',{oid: "x"}]'), /not valid JSON/);
  await rejects(body(",{}"), /not valid JSON/);
  await rejects(body("] x"), /not valid JSON/);
  await rejects(enc.encode(JSON.stringify({ graph: big })), /array/);
});
