/** The scale run's helpers: the lazy hierarchy graph, its parts and the per-tier peaks. */
import assert from "node:assert/strict";
import { type GraphStats, hierarchyDrops, hierarchyGraph } from "./hierarchy.ts";
import { dropsLabel } from "./scale.ts";
import { graphParts } from "../../core/client/mod.ts";
import { PeakTracker } from "./_tiers.ts";
import { PEAK_RSS } from "./_report.ts";

const NODES = ["n1", "n2", "n3", "n4"];
const ISLANDS = ["i1", "i1", "i2", "i2"];

Deno.test("hierarchyDrops yields the hierarchy row's graph lazily, node and island set", () => {
  const stats: GraphStats = { edges: 0, crossing: 0, roots: [] };
  const lazy = [...hierarchyDrops(10_000, NODES, ISLANDS, stats)];
  const whole = hierarchyGraph(10_000, NODES, ISLANDS);
  assert.deepEqual(lazy, whole.graph);
  assert.equal(lazy.length, 10_000);
  assert.deepEqual(stats.roots, whole.roots);
  assert.equal(stats.roots.length, 1000);
  assert.equal(stats.edges, 9000);
  // About 10% of the edges cross nodes, and a crossing Drop's island is its node's.
  assert.ok(stats.crossing > 700 && stats.crossing < 1100, `${stats.crossing}`);
  for (const d of lazy) assert.equal(d.island, ISLANDS[NODES.indexOf(d.node as string)]);
});

Deno.test("graphParts splits lazily made Drops into JSON bodies of at most the given size", () => {
  const parts = [...graphParts(hierarchyDrops(2_500, NODES, ISLANDS), 64 * 1024)];
  assert.ok(parts.length > 1, `${parts.length} parts`);
  for (const p of parts) assert.ok(p.body.length <= 64 * 1024, `${p.body.length} bytes`);
  assert.equal(parts.reduce((n, p) => n + p.n, 0), 2_500);
  const specs = parts.flatMap((p) => JSON.parse(p.body));
  assert.deepEqual(specs, hierarchyGraph(2_500, NODES, ISLANDS).graph);
});

Deno.test("PeakTracker keeps each tier's VmHWM, also once the process is gone", () => {
  const peaks = new PeakTracker([{ name: "me", pid: Deno.pid }, {
    name: "gone",
    pid: 2 ** 22 + 1,
  }]);
  const now = peaks.sample();
  assert.ok(now.get("me")! > 1e6);
  assert.equal(now.get("gone"), 0);
  assert.ok(peaks.peakOf("me") >= now.get("me")!);
  assert.equal(peaks.total(), peaks.peakOf("me"));
  assert.deepEqual(Object.keys(peaks.detail()), [`${PEAK_RSS}me`, `${PEAK_RSS}gone`]);
});

Deno.test("dropsLabel", () => {
  assert.equal(dropsLabel(10_000_000), "10M");
  assert.equal(dropsLabel(2_500_000), "2.5M");
  assert.equal(dropsLabel(100_000), "100k");
});
