import assert from "node:assert/strict";
import { type LightItem, lightItems, RAW, specBytes } from "./raw_items.ts";

const enc = (x: unknown) => new TextEncoder().encode(typeof x === "string" ? x : JSON.stringify(x));
const dec = (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b));

const GRAPH = [
  {
    oid: "A",
    node: "h:1",
    island: "h:2",
    categoryType: "Data",
    fields: [{ name: "x", value: 'a "quoted" \\ value ] } {', nested: { deep: [1, 2, [3]] } }],
    consumers: ["B", { C: "port" }],
  },
  { oid: "B", uid: "b-uid", node: "h:3", "ünï": "cödé", n: -1.5e3, t: true, z: null },
  { oid: "C", outputs: [], producers: ["A"] },
  {},
];

Deno.test("lightItems reads only the routing keys of large elements, values as JSON.parse gives them", () => {
  const r = lightItems(enc(GRAPH), { fullUpTo: 0 })!;
  assert.equal(r.at, -1);
  // The trailing `{}` is DALiuGE's metadata element, dropped as graphItems does.
  assert.equal(r.items.length, 3);
  assert.deepEqual(Object.fromEntries(Object.entries(r.items[0]!)), {
    oid: "A",
    node: "h:1",
    island: "h:2",
    categoryType: "Data",
    consumers: ["B", { C: "port" }],
  });
  assert.deepEqual(Object.fromEntries(Object.entries(r.items[1]!)), {
    oid: "B",
    uid: "b-uid",
    node: "h:3",
  });
  for (const [i, item] of r.items.entries()) assert.deepEqual(dec(specBytes(item)), GRAPH[i]);
});

Deno.test("lightItems parses small elements in full, and forwards them as received", () => {
  const r = lightItems(enc(GRAPH))!;
  assert.equal(r.at, -1);
  assert.deepEqual(r.items.map((x) => Object.fromEntries(Object.entries(x))), GRAPH.slice(0, 3));
  for (const [i, item] of r.items.entries()) assert.deepEqual(dec(specBytes(item)), GRAPH[i]);
  const copy: LightItem = { ...r.items[0]!, consumers: [{ C: "port" }] };
  assert.deepEqual(dec(specBytes(copy)), { ...GRAPH[0], consumers: [{ C: "port" }] });
  // Small and large elements mixed keep their order.
  const mixed = [{ oid: "s1" }, { oid: "L", pad: "x".repeat(3000) }, { oid: "s2" }, { oid: "s3" }];
  const m = lightItems(enc(mixed))!;
  assert.deepEqual(m.items.map((x) => x.oid), ["s1", "L", "s2", "s3"]);
  assert.deepEqual(m.items.map((x) => dec(specBytes(x))), mixed);
  assert.equal(m.items[1]!.pad, undefined, "the large one is read light");
});

Deno.test("lightItems reads a key spelled with escapes", () => {
  const r = lightItems(enc('[{"o\\u0069d": "B", "node": "h\\u003a1"}]'), { fullUpTo: 0 })!;
  assert.deepEqual(Object.fromEntries(Object.entries(r.items[0]!)), { oid: "B", node: "h:1" });
});

Deno.test("specBytes rewrites only the link lists a copy changed", () => {
  const [a] = lightItems(enc(GRAPH), { fullUpTo: 0 })!.items as [LightItem];
  const copy: LightItem = { ...a, consumers: [{ C: "port" }] };
  assert.deepEqual(dec(specBytes(copy)), { ...GRAPH[0], consumers: [{ C: "port" }] });
  assert.equal(copy[RAW], a[RAW]);
});

for (const fullUpTo of [0, 2048]) {
  Deno.test(`lightItems in batches, and as the body arrives, gives the same elements (fullUpTo ${fullUpTo})`, () => {
    const bytes = enc(GRAPH);
    const whole = lightItems(bytes, { fullUpTo })!.items.map((x) => x.oid);
    const batched: unknown[] = [];
    for (let at = 0; at >= 0;) {
      const r = lightItems(bytes, { at, maxBytes: 1, fullUpTo })!;
      batched.push(...r.items.map((x) => x.oid));
      at = r.at;
    }
    assert.deepEqual(batched, whole);
    for (let cut = 0; cut < bytes.length; cut += 7) {
      const got: unknown[] = [];
      let at = 0;
      for (const [b, complete] of [[bytes.subarray(0, cut), false], [bytes, true]] as const) {
        const r = lightItems(b, { at, complete, fullUpTo })!;
        assert.ok(r, `cut ${cut}`);
        got.push(...r.items.map((x) => x.oid));
        at = r.at;
        if (!complete) assert.ok(r.more || r.at >= 0, `cut ${cut}`);
      }
      assert.equal(at, -1);
      assert.deepEqual(got, whole, `cut ${cut}`);
    }
  });
}

Deno.test("lightItems refuses what is not an array of objects (read in full for the error)", () => {
  for (
    const bad of [
      "",
      "{}",
      "[1]",
      '[{"oid": "A"} {"oid": "B"}]',
      '[{"oid": "A"',
      '[{"oid": A}]',
      "[] x",
    ]
  ) {
    assert.equal(lightItems(enc(bad)), undefined, bad);
    assert.equal(lightItems(enc(bad), { fullUpTo: 0 }), undefined, bad);
  }
  assert.deepEqual(lightItems(enc(" [ ] "))!.items, []);
});
