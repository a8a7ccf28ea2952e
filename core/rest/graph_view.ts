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
import { eachLink, linkList } from "../drops/mod.ts";
import { type DropSpec, specNode } from "../graph/mod.ts";
import type { LinkKey } from "../wire/mod.ts";

const DOWN: readonly LinkKey[] = ["consumers", "streamingConsumers", "outputs"];
const UP: readonly LinkKey[] = ["producers", "inputs", "streamingInputs"];

/** Index of `key` in `map`, added when new. */
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

/**
 * OID -> index in many small Maps: one Map of a million keys rehashes all of them at once when
 * it grows (about 0.4 s at 512k keys on this machine), which would hold the event loop.
 */
class ShardedIndex {
  #shards = Array.from({ length: 256 }, () => new Map<string, number>());
  size = 0;
  #shard(key: string): Map<string, number> {
    let h = key.length;
    for (let i = Math.max(0, key.length - 8); i < key.length; i++) {
      h = (h * 31 + key.charCodeAt(i)) | 0;
    }
    return this.#shards[h & 255]!;
  }
  set(key: string, i: number): void {
    const m = this.#shard(key);
    if (!m.has(key)) this.size++;
    m.set(key, i);
  }
  get(key: string): number | undefined {
    return this.#shard(key).get(key);
  }
}

/** Does `p` list `oid` in one of its downstream lists? */
function listsDown(p: DropSpec, oid: string): boolean {
  for (const k of DOWN) if (linkList(p.links[k]).includes(oid)) return true;
  return false;
}

/** Numbers as JSON array items, a block at a time. */
function* numbers(list: Int32Array, count = list.length): Generator<string> {
  for (let i = 0; i < count; i += BLOCK) {
    yield (i ? "," : "") + list.subarray(i, Math.min(i + BLOCK, count)).join(",");
  }
}
const BLOCK = 16384;

/** The compact graph of `specs` (a session's, in its order) as JSON text pieces. */
export function* uiGraphText(specs: ReadonlyMap<string, DropSpec>): Generator<string> {
  const n = specs.size;
  const index = new ShardedIndex();
  const app = new Uint8Array(n);
  const nodes = new Map<string, number>(), names = new Map<string, number>();
  const node = new Int32Array(n), name = new Int32Array(n);
  yield `{"view":"ui","oids":`;
  let block: string[] = [];
  for (const [oid, s] of specs) {
    const i = index.size;
    index.set(oid, i);
    app[i] = s.cls.kind === "app" ? 49 : 48;
    node[i] = interned(nodes, specNode(s) ?? "");
    name[i] = interned(names, nameOf(s));
    block.push(oid);
    if (block.length === BLOCK) {
      yield (i >= BLOCK ? "," : "[") + JSON.stringify(block).slice(1, -1);
      block = [];
    }
  }
  yield (n > block.length ? "," : "[") + JSON.stringify(block).slice(1, -1) + "]";
  block = [];
  yield `,"app":"${new TextDecoder().decode(app)}","nodes":${JSON.stringify([...nodes.keys()])}`;
  yield `,"node":[`;
  yield* numbers(node);
  yield `],"names":${JSON.stringify([...names.keys()])},"name":[`;
  yield* numbers(name);
  yield `],"edges":[`;
  let edges: Int32Array<ArrayBuffer> = new Int32Array(2 * BLOCK + 64), e = 0, first = true;
  let i = 0;
  for (const s of specs.values()) {
    for (const k of DOWN) {
      eachLink(s.links[k], (o) => {
        const b = index.get(o);
        if (b === undefined || b === i) return;
        if (e + 2 > edges.length) edges = grow(edges);
        edges[e++] = i;
        edges[e++] = b;
      });
    }
    // An upstream link the producer also lists downstream is that same edge: once.
    for (const k of UP) {
      eachLink(s.links[k], (o) => {
        const a = index.get(o), p = specs.get(o);
        if (a === undefined || a === i || (p && listsDown(p, s.oid))) return;
        if (e + 2 > edges.length) edges = grow(edges);
        edges[e++] = a;
        edges[e++] = i;
      });
    }
    i++;
    if (e >= 2 * BLOCK) {
      yield (first ? "" : ",") + edges.subarray(0, e).join(",");
      first = false;
      e = 0;
    }
  }
  if (e) yield (first ? "" : ",") + edges.subarray(0, e).join(",");
  yield "]}";
}

function grow(a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> {
  const b = new Int32Array(a.length * 2);
  b.set(a);
  return b;
}
