import assert from "node:assert/strict";
import { assign, balance, groupDrops, needsPlacing, newMemory } from "./placement.ts";

const FIX = new URL("../../tests/fixtures/translator/", import.meta.url);

/** Max load over ideal (total / bins), minus 1. */
function excess(weights: number[], bins: number[]): number {
  const loads = new Map<number, number>();
  bins.forEach((b, i) => loads.set(b, (loads.get(b) ?? 0) + weights[i]!));
  const total = weights.reduce((a, b) => a + b, 0);
  const ideal = total / new Set(bins).size;
  return Math.max(...loads.values()) / ideal - 1;
}

Deno.test("balance keeps every bin within 10% of the ideal weight", () => {
  // 40 partitions with weights 1..40 over 4 and over 7 bins; 100 random ones over 4.
  const weights = Array.from({ length: 40 }, (_, i) => i + 1);
  for (const n of [4, 7]) {
    const bins = balance(weights, Array.from({ length: n }, () => ({ load: 0 })));
    assert.equal(new Set(bins).size, n);
    assert.ok(excess(weights, bins) < 0.1, `${n} bins: ${excess(weights, bins)}`);
  }
  let seed = 7;
  const rnd = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
  const random = Array.from({ length: 100 }, () => 1 + Math.floor(rnd() * 50));
  const bins = balance(random, Array.from({ length: 4 }, () => ({ load: 0 })));
  assert.ok(excess(random, bins) < 0.1, String(excess(random, bins)));
});

Deno.test("balance weighs bins by capacity and current load", () => {
  // A bin with twice the capacity takes about twice the weight; a loaded bin takes less.
  const w = Array<number>(30).fill(1);
  const bins = balance(w, [{ load: 0, capacity: 2 }, { load: 0, capacity: 1 }]);
  assert.deepEqual([bins.filter((b) => b === 0).length, bins.filter((b) => b === 1).length], [
    20,
    10,
  ]);
  const loaded = balance([1, 1, 1, 1], [{ load: 4 }, { load: 0 }]);
  assert.deepEqual(loaded, [1, 1, 1, 1]);
});

Deno.test("groupDrops: partitions by label, the rest by connected component", () => {
  const items = [
    { oid: "a", node: "#0", consumers: ["b"] },
    { oid: "b", node: "#1" },
    { oid: "c", consumers: ["d"] },
    { oid: "d", producers: [{ c: "port" }] },
    { oid: "e", outputs: ["p"] },
    { oid: "f" },
    { oid: "p", node: "h:1" },
  ];
  assert.ok(needsPlacing(items, ["node"]));
  assert.ok(!needsPlacing([{ oid: "p", node: "h:1" }], ["node"]));
  const groups = groupDrops(items, "node", (oid) => oid === "p" ? "h:1" : undefined);
  const view = groups.map((g) => [g.key, g.items.map((x) => x.oid).join(""), g.near ?? ""]);
  assert.deepEqual(view, [
    ["node:#0", "a", ""],
    ["node:#1", "b", ""],
    ["c:c", "cd", ""],
    ["c:e", "e", "h:1"],
    ["c:f", "f", ""],
  ]);
});

Deno.test("assign remembers partitions across appends and follows placed neighbours", () => {
  const mem = newMemory();
  const first = assign(
    groupDrops([{ oid: "a", node: "#0" }, { oid: "b", node: "#1" }], "node", () => undefined),
    ["n1", "n2"],
    mem,
  );
  assert.notEqual(first.get("node:#0"), first.get("node:#1"));
  // A second part: label #0 goes where #0 went, though n1/n2 loads would say otherwise.
  const again = assign(
    groupDrops([{ oid: "c", node: "#0", weight: 100 }], "node", () => undefined),
    ["n1", "n2"],
    mem,
  );
  assert.equal(again.get("node:#0"), first.get("node:#0"));
  const near = assign(
    groupDrops([{ oid: "d", inputs: ["a"] }], "node", () => "n2"),
    ["n1", "n2"],
    mem,
  );
  assert.equal(near.get("c:d"), "n2");
  // A remembered place that is gone (a node that left) is not used.
  const gone = assign(groupDrops([{ oid: "e", node: "#0" }], "node", () => undefined), ["n3"], mem);
  assert.equal(gone.get("node:#0"), "n3");
});

Deno.test("translator partitions balance within 10% of the ideal by weight", async () => {
  // parallel_random_sleep: 784 Drops, its 30 scatter iterations (from `iid`) as `#N`
  // partitions of uneven weight, over 4 nodes.
  const gz = await Deno.readFile(new URL("parallel_random_sleep.cluster.json.gz", FIX));
  const body = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  const text = await new Response(body).text();
  const g = (JSON.parse(text) as Record<string, unknown>[]).filter((d) => d.oid);
  const byIid = g.map((d) => ({ ...d, node: `#${String(d.iid).split("-")[1] ?? 0}` }));
  const groups = groupDrops(byIid, "node", () => undefined);
  const where = assign(groups, ["n1", "n2", "n3", "n4"], newMemory());
  const loads = new Map<string, number>();
  for (const gr of groups) {
    const t = where.get(gr.key)!;
    loads.set(t, (loads.get(t) ?? 0) + gr.weight);
  }
  const total = [...loads.values()].reduce((a, b) => a + b, 0);
  const worst = Math.max(...loads.values()) / (total / 4) - 1;
  assert.equal(loads.size, 4);
  assert.ok(worst < 0.1, `worst node ${(worst * 100).toFixed(1)}% over ideal`);
  console.log(`parallel_random_sleep over 4 nodes: worst ${(worst * 100).toFixed(1)}% over ideal`);
});
