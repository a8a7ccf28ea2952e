/**
 * Browser code: the graph model behind the session page. Links from the specs, grouping of
 * Drops into units (one per Drop, or one per collapsed group) and a layered left-to-right
 * layout, linear in Drops and links (longest path layers, one barycentre pass for the order).
 * Pure functions, so tests run them in Deno too (`layout_test.ts`).
 */
export const LAYOUT_JS = String.raw`
const DOWNSTREAM = ["consumers", "streamingConsumers", "outputs"];
const UPSTREAM = ["producers", "inputs", "streamingInputs"];
/** OIDs in a link list: plain strings or DALiuGE's {oid: port} objects. */
function linkOids(list) {
  const out = [];
  if (!Array.isArray(list)) return out;
  for (const x of list) {
    if (typeof x === "string") out.push(x);
    else if (x && typeof x === "object") out.push(...Object.keys(x));
  }
  return out;
}
/** The graph's Drops and links: {oids, index: Map oid -> i, from: Int32Array, to: Int32Array}. */
function graphModel(specs) {
  const oids = Object.keys(specs);
  const index = new Map(oids.map((o, i) => [o, i]));
  const seen = new Set();
  const from = [], to = [];
  const add = (a, b) => {
    if (a === undefined || b === undefined || a === b) return;
    const key = a * oids.length + b;
    if (seen.has(key)) return;
    seen.add(key);
    from.push(a);
    to.push(b);
  };
  oids.forEach((oid, i) => {
    const s = specs[oid] || {};
    for (const k of DOWNSTREAM) for (const o of linkOids(s[k])) add(i, index.get(o));
    for (const k of UPSTREAM) for (const o of linkOids(s[k])) add(index.get(o), i);
  });
  return { oids, index, from: Int32Array.from(from), to: Int32Array.from(to) };
}
/**
 * The page's model of a graph: from a node's compact form (GET .../graph?view=ui) or from the
 * full {oid: spec} of any tier. {oids, index, from, to, isApp: Uint8Array, nodes (how many),
 * nodeOf(i), nameOf(i) (construct: name, lg_key or class), label(i), spec(i) (full form only)}.
 */
function pageModel(g) {
  if (g && g.view === "ui") {
    const n = g.oids.length, e = g.edges;
    const index = new Map();
    for (let i = 0; i < n; i++) index.set(g.oids[i], i);
    const from = new Int32Array(e.length >> 1), to = new Int32Array(e.length >> 1);
    for (let k = 0; k < from.length; k++) { from[k] = e[2 * k]; to[k] = e[2 * k + 1]; }
    const isApp = new Uint8Array(n);
    for (let i = 0; i < n; i++) isApp[i] = g.app.charCodeAt(i) === 49 ? 1 : 0;
    return {
      oids: g.oids, index, from, to, isApp, nodes: g.nodes.length,
      nodeOf: (i) => g.nodes[g.node[i]], nameOf: (i) => g.names[g.name[i]],
      label: (i) => g.oids[i], spec: () => undefined,
    };
  }
  const specs = g && typeof g === "object" ? g : {};
  const m = graphModel(specs);
  const spec = (i) => specs[m.oids[i]] || {};
  const isApp = Uint8Array.from(m.oids, (o) => specs[o]?.categoryType === "Application" ? 1 : 0);
  return Object.assign(m, {
    isApp, nodes: new Set(m.oids.map((o) => specs[o]?.node)).size,
    nodeOf: (i) => spec(i).node, nameOf: (i) => { const s = spec(i); return s.name ?? s.lg_key ?? s.dropclass; },
    label: (i) => spec(i).name || m.oids[i], spec: (i) => specs[m.oids[i]],
  });
}
/**
 * Group keys per Drop: its node (byNode) or construct. A group of more than "most" Drops can be
 * split into parts of at most that many (in graph order, so a chain's Drops stay together):
 * {keys (the groups), keyOf(i), split(key) -> the parts' keys (none if it needs no split)}.
 */
function groupKeys(model, byNode, most) {
  const n = model.oids.length;
  const base = new Int32Array(n), rank = new Int32Array(n);
  const keys = [], size = [], byKey = new Map();
  for (let i = 0; i < n; i++) {
    const k = String((byNode ? model.nodeOf(i) : model.nameOf(i)) ?? "?");
    let b = byKey.get(k);
    if (b === undefined) { b = keys.length; byKey.set(k, b); keys.push(k); size.push(0); }
    base[i] = b;
    rank[i] = size[b]++;
  }
  const parts = new Map(); // base group -> {per: Drops per part, names}
  return {
    keys,
    keyOf: (i) => {
      const p = parts.get(base[i]);
      return p ? p.names[Math.floor(rank[i] / p.per)] : keys[base[i]];
    },
    split: (key) => {
      const b = byKey.get(key);
      if (b === undefined || parts.has(b) || size[b] <= most) return [];
      const count = Math.ceil(size[b] / most), per = Math.ceil(size[b] / count);
      const names = Array.from({ length: count }, (_, c) => key + " · part " + (c + 1) + "/" + count);
      parts.set(b, { per, names });
      return names;
    },
  };
}
/**
 * Units to draw: every Drop whose group key is not collapsed is its own unit; a collapsed
 * group is one unit. Returns {unitOf: Int32Array per Drop, units: [{group, members}], from, to}.
 */
function groupUnits(model, keyOf, collapsed) {
  const n = model.oids.length;
  const unitOf = new Int32Array(n);
  const units = [];
  const groupUnit = new Map();
  for (let i = 0; i < n; i++) {
    const key = keyOf(i);
    if (collapsed.has(key)) {
      let u = groupUnit.get(key);
      if (u === undefined) {
        u = units.length;
        groupUnit.set(key, u);
        units.push({ group: key, members: [] });
      }
      units[u].members.push(i);
      unitOf[i] = u;
    } else {
      unitOf[i] = units.length;
      units.push({ drop: i });
    }
  }
  const seen = new Set();
  const from = [], to = [];
  for (let e = 0; e < model.from.length; e++) {
    const a = unitOf[model.from[e]], b = unitOf[model.to[e]];
    if (a === b || seen.has(a * units.length + b)) continue;
    seen.add(a * units.length + b);
    from.push(a);
    to.push(b);
  }
  return { unitOf, units, from: Int32Array.from(from), to: Int32Array.from(to) };
}
/**
 * Layered layout of n units: layer = longest path from a root (x), rows ordered by the mean
 * row of each unit's predecessors (y, centred per layer). Cycles (never in a valid graph) are
 * broken by placing what is left in the layer after its placed predecessors.
 */
function layeredLayout(n, from, to) {
  const indeg = new Int32Array(n);
  const outStart = new Int32Array(n + 1);
  for (let e = 0; e < from.length; e++) { outStart[from[e] + 1]++; indeg[to[e]]++; }
  for (let i = 0; i < n; i++) outStart[i + 1] += outStart[i];
  const outs = new Int32Array(from.length);
  const fill = outStart.slice(0, n);
  for (let e = 0; e < from.length; e++) outs[fill[from[e]]++] = to[e];
  const layer = new Int32Array(n);
  const order = [];
  const left = indeg.slice();
  const queued = new Uint8Array(n);
  const enqueue = (i) => { queued[i] = 1; order.push(i); };
  for (let i = 0; i < n; i++) if (left[i] === 0) enqueue(i);
  const placed = new Uint8Array(n);
  for (let next = 0, scan = 0; next < n;) {
    if (next === order.length) {
      // A cycle: take the first unit not yet queued.
      while (queued[scan]) scan++;
      enqueue(scan);
    }
    const u = order[next++];
    placed[u] = 1;
    for (let k = outStart[u]; k < outStart[u + 1]; k++) {
      const v = outs[k];
      if (placed[v]) continue;
      if (layer[u] + 1 > layer[v]) layer[v] = layer[u] + 1;
      if (--left[v] === 0 && !queued[v]) enqueue(v);
    }
  }
  let layers = 0;
  for (let i = 0; i < n; i++) if (layer[i] + 1 > layers) layers = layer[i] + 1;
  const byLayer = Array.from({ length: layers }, () => []);
  for (const u of order) byLayer[layer[u]].push(u);
  // Mean row of predecessors, accumulated as each layer is placed.
  const sum = new Float64Array(n), cnt = new Int32Array(n);
  const x = new Float32Array(n), y = new Float32Array(n);
  let maxRows = 0;
  for (let l = 0; l < layers; l++) {
    const list = byLayer[l];
    const key = new Float64Array(list.length);
    list.forEach((u, j) => { key[j] = cnt[u] ? sum[u] / cnt[u] : j - list.length / 2; });
    const idx = list.map((_, j) => j).sort((a, b) => key[a] - key[b]);
    idx.forEach((j, row) => {
      const u = list[j];
      x[u] = l;
      y[u] = row - (list.length - 1) / 2;
      for (let k = outStart[u]; k < outStart[u + 1]; k++) { sum[outs[k]] += y[u]; cnt[outs[k]]++; }
    });
    if (list.length > maxRows) maxRows = list.length;
  }
  return { x, y, layers, maxRows };
}
`;
