/** The session page's graph model and layout, run in Deno from the same source the page gets. */
import assert from "node:assert/strict";
import { LAYOUT_JS } from "./js_layout.ts";

type Model = { oids: string[]; index: Map<string, number>; from: Int32Array; to: Int32Array };
type Layout = { x: Float32Array; y: Float32Array; layers: number; maxRows: number };
type Units = {
  unitOf: Int32Array;
  units: { group?: string; drop?: number; members?: number[] }[];
  from: Int32Array;
  to: Int32Array;
};
const js = new Function(`${LAYOUT_JS}; return { graphModel, groupUnits, layeredLayout };`)() as {
  graphModel(specs: Record<string, unknown>): Model;
  groupUnits(m: Model, keyOf: (i: number) => string, collapsed: Set<string>): Units;
  layeredLayout(n: number, from: Int32Array, to: Int32Array): Layout;
};

const specs = {
  A: { consumers: ["B"] },
  B: { outputs: [{ C: "port" }] },
  C: { consumers: ["D", "F"] },
  D: { outputs: ["E"], inputs: ["C"] },
  E: { producers: ["D"] },
  F: { outputs: ["G"] },
  G: {},
};

Deno.test("graphModel reads every link list, both spellings, once per link", () => {
  const m = js.graphModel(specs);
  const links = [...m.from].map((a, e) => `${m.oids[a]}>${m.oids[m.to[e]!]}`).sort();
  assert.deepEqual(links, ["A>B", "B>C", "C>D", "C>F", "D>E", "F>G"]);
});

Deno.test("layeredLayout puts each Drop one layer right of its deepest producer", () => {
  const m = js.graphModel(specs);
  const l = js.layeredLayout(m.oids.length, m.from, m.to);
  const layer = (o: string) => l.x[m.index.get(o)!];
  assert.deepEqual(["A", "B", "C", "D", "E", "F", "G"].map(layer), [0, 1, 2, 3, 4, 3, 4]);
  assert.equal(l.layers, 5);
  assert.equal(l.maxRows, 2);
  assert.notEqual(l.y[m.index.get("D")!], l.y[m.index.get("F")!]);
});

Deno.test("layeredLayout survives a cycle", () => {
  const l = js.layeredLayout(3, Int32Array.from([0, 1, 2]), Int32Array.from([1, 2, 0]));
  assert.equal(l.x.length, 3);
  assert.ok(l.layers >= 1);
});

Deno.test("groupUnits collapses a group into one unit with merged links", () => {
  const m = js.graphModel(specs);
  const node = (i: number) => ["A", "B", "C"].includes(m.oids[i]!) ? "n1" : "n2";
  const g = js.groupUnits(m, node, new Set(["n1"]));
  assert.equal(g.units.length, 5); // n1 + D E F G
  assert.deepEqual(g.units[0], { group: "n1", members: [0, 1, 2] });
  assert.equal(g.from.length, 4); // n1>D n1>F D>E F>G
});

Deno.test("a 10k-Drop scatter/gather lays out in well under a second", () => {
  const graph: Record<string, unknown> = { root: { consumers: [] as string[] } };
  const gather: string[] = [];
  for (let i = 0; i < 3333; i++) {
    (graph.root as { consumers: string[] }).consumers.push(`a${i}`);
    graph[`a${i}`] = { outputs: [`d${i}`] };
    graph[`d${i}`] = { consumers: [`b${i}`] };
    graph[`b${i}`] = {};
    gather.push(`b${i}`);
  }
  const t0 = performance.now();
  const m = js.graphModel(graph);
  const l = js.layeredLayout(m.oids.length, m.from, m.to);
  const ms = performance.now() - t0;
  assert.equal(m.oids.length, 10_000);
  assert.equal(l.layers, 4);
  assert.ok(ms < 1000, `layout took ${ms} ms`);
});
