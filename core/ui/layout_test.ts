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
type PageModel = Model & {
  isApp: Uint8Array;
  nodes: number;
  nodeOf(i: number): string;
  nameOf(i: number): string;
  label(i: number): string;
};
type Groups = { keys: string[]; keyOf(i: number): string; split(key: string): string[] };
const js = new Function(
  `${LAYOUT_JS}; return { graphModel, groupUnits, layeredLayout, pageModel, groupKeys };`,
)() as {
  graphModel(specs: Record<string, unknown>): Model;
  pageModel(graph: unknown): PageModel;
  groupKeys(m: PageModel, byNode: boolean, most: number): Groups;
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

Deno.test("pageModel reads a node's compact form and DALiuGE's full one alike", () => {
  const compact = js.pageModel({
    view: "ui",
    oids: ["A", "B", "C"],
    app: "010",
    nodes: ["n1", "n2"],
    node: [0, 0, 1],
    names: ["in", "App", "out"],
    name: [0, 1, 2],
    edges: [0, 1, 1, 2],
  });
  const full = js.pageModel({
    A: { node: "n1", name: "in", categoryType: "Data", consumers: ["B"] },
    B: { node: "n1", dropclass: "App", categoryType: "Application", outputs: ["C"] },
    C: { node: "n2", name: "out", categoryType: "Data", producers: ["B"] },
  });
  for (const m of [compact, full]) {
    assert.deepEqual(m.oids, ["A", "B", "C"]);
    assert.equal(m.index.get("C"), 2);
    assert.deepEqual([...m.isApp], [0, 1, 0]);
    assert.equal(m.nodes, 2);
    assert.deepEqual([0, 1, 2].map(m.nodeOf), ["n1", "n1", "n2"]);
    assert.deepEqual([0, 1, 2].map(m.nameOf), ["in", "App", "out"]);
    const links = [...m.from].map((a, e) => `${m.oids[a]}>${m.oids[m.to[e]!]}`).sort();
    assert.deepEqual(links, ["A>B", "B>C"]);
  }
});

Deno.test("groupKeys: one group per construct, a huge one split into bounded parts", () => {
  // 2,500 chains of data -> app -> data: constructs "data" (5,000) and "app" (2,500).
  const oids: string[] = [], name: number[] = [], edges: number[] = [];
  for (let c = 0; c < 2500; c++) {
    const i = oids.length;
    oids.push(`${c}a`, `${c}b`, `${c}c`);
    name.push(0, 1, 0);
    edges.push(i, i + 1, i + 1, i + 2);
  }
  const m = js.pageModel({
    view: "ui",
    oids,
    app: "010".repeat(2500),
    nodes: [""],
    node: oids.map(() => 0),
    names: ["data", "app"],
    name,
    edges,
  });
  const g = js.groupKeys(m, false, 2000);
  assert.deepEqual(g.keys, ["data", "app"]);
  const collapsed = new Set(g.keys);
  let u = js.groupUnits(m, g.keyOf, collapsed);
  assert.equal(u.units.length, 2);
  assert.deepEqual(js.groupKeys(m, false, 2000).split("nothing"), []);
  // Opening "data" (5,000 > 2,000) gives 3 parts of at most 2,000, each collapsed.
  const parts = g.split("data");
  assert.deepEqual(parts, ["data · part 1/3", "data · part 2/3", "data · part 3/3"]);
  assert.deepEqual(g.split("data"), [], "split once");
  collapsed.delete("data");
  for (const k of parts) collapsed.add(k);
  u = js.groupUnits(m, g.keyOf, collapsed);
  const sizes = u.units.map((x) => x.members!.length).sort((a, b) => a - b);
  assert.deepEqual(sizes, [1666, 1667, 1667, 2500]);
  // A chain's Drops stay in one part: the first chain's data Drops are both in part 1.
  assert.equal(g.keyOf(0), "data · part 1/3");
  assert.equal(g.keyOf(2), "data · part 1/3");
  // "app" (2,500) opens into 2 parts.
  assert.equal(g.split("app").length, 2);
});
