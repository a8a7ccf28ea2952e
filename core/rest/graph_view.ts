/**
 * The web UI's compact form of a node's graph (`GET .../graph?view=ui`): what the session page
 * draws and groups by, without the specs. DALiuGE's `GET .../graph` stays as it is.
 *
 *   {"view": "ui", "oids": [...], "app": "0101...",       per Drop: its OID, app (1) or data (0)
 *    "nodes": [...], "node": [...],                        distinct nodes, each Drop's index
 *    "names": [...], "name": [...],                        distinct constructs (name, lg_key,
 *                                                          class), each Drop's index
 *    "edges": [from, to, from, to, ...]}                   links as Drop indices, once each
 *
 * Made as a generator of text pieces, for `slicedBody`.
 */
import type { DropSpec } from "../graph/mod.ts";
import type { LinkKey } from "../wire/mod.ts";

const DOWN: readonly LinkKey[] = ["consumers", "streamingConsumers", "outputs"];
const UP: readonly LinkKey[] = ["producers", "inputs", "streamingInputs"];

/** Index of `key` in `list`, added when new. */
function interned(map: Map<string, number>, key: string): number {
  let i = map.get(key);
  if (i === undefined) map.set(key, i = map.size);
  return i;
}

function nameOf(s: DropSpec): string {
  const r = s.raw;
  const v = r.name ?? r.lg_key ?? r.dropclass ?? r.appclass;
  return v === undefined || v === null ? "?" : String(v);
}

/** The compact graph of `specs` (a session's, in its order) as JSON text pieces. */
export function* uiGraphText(specs: ReadonlyMap<string, DropSpec>): Generator<string> {
  const n = specs.size;
  const index = new Map<string, number>();
  const app: string[] = new Array(n);
  const nodes = new Map<string, number>(), names = new Map<string, number>();
  const node = new Int32Array(n), name = new Int32Array(n);
  yield `{"view":"ui","oids":[`;
  for (const [oid, s] of specs) {
    const i = index.size;
    index.set(oid, i);
    app[i] = s.cls.kind === "app" ? "1" : "0";
    node[i] = interned(nodes, s.node ?? "");
    name[i] = interned(names, nameOf(s));
    yield (i ? "," : "") + JSON.stringify(oid);
  }
  yield `],"app":"${app.join("")}","nodes":${JSON.stringify([...nodes.keys()])},"node":[`;
  for (let i = 0; i < n; i += 65536) {
    yield (i ? "," : "") + node.subarray(i, i + 65536).join(",");
  }
  yield `],"names":${JSON.stringify([...names.keys()])},"name":[`;
  for (let i = 0; i < n; i += 65536) {
    yield (i ? "," : "") + name.subarray(i, i + 65536).join(",");
  }
  yield `],"edges":[`;
  let first = true;
  const edge = (a: number | undefined, b: number | undefined) => {
    if (a === undefined || b === undefined || a === b) return "";
    const t = `${first ? "" : ","}${a},${b}`;
    first = false;
    return t;
  };
  let i = 0;
  for (const s of specs.values()) {
    let out = "";
    for (const k of DOWN) for (const o of s.links[k] ?? []) out += edge(i, index.get(o));
    // An upstream link the producer also lists downstream is that same edge: once.
    for (const k of UP) {
      for (const o of s.links[k] ?? []) {
        const p = specs.get(o);
        if (p && DOWN.some((d) => p.links[d]?.includes(s.oid))) continue;
        out += edge(index.get(o), i);
      }
    }
    if (out) yield out;
    i++;
  }
  yield "]}";
}
