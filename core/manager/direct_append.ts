/**
 * A master's append: each node's part of a batch goes straight to that node (as DALiuGE's master
 * sends subscriptions and triggers), and each island gets only where its Drops went
 * (`graph/placement`: OID, UID, node; no specs). Islands then neither re-read nor re-serialise
 * the graph, and every link between nodes is the master's to subscribe at deploy.
 */
import type { NodeManagerClient } from "../client/mod.ts";
import { HttpError, invalidGraph, subManagerError } from "../errors/mod.ts";
import { type ClassTable, knownClass, type LightItem, lightItems, yieldIo } from "../graph/mod.ts";
import { type LinkKey, parseNode, sessionPath } from "../wire/mod.ts";
import { type Child, childDown, type ChildError, childError, fanOut } from "./children.ts";
import type { ChildSet } from "./child_set.ts";
import type { CompositeSession, PlacedGroup } from "./composite_session.ts";
import type { Owned, Split } from "./partition.ts";
import { appendChunk, chunks } from "./send.ts";

/** One node's share of a batch. */
export interface NodePart {
  /** The node's name (`host:port:events:rpc`), for errors. */
  name: string;
  /** The `node` value of its first Drop, to reach it. */
  node: string;
  specs: Record<string, unknown>[];
}

/**
 * What an island is told of an append (`graph/placement`): the OIDs sent to each of its nodes
 * (as sent, one string of them separated by newlines: see `wirePlacement`), the UIDs that are
 * not their OIDs, and the links taken out of the specs (to Drops on other nodes) as
 * `[holderOid, key, entry]`, for the island's `GET .../graph`.
 */
export interface Placement {
  nodes: Record<string, string[] | string>;
  uids?: Record<string, string>;
  cut?: [string, LinkKey, unknown][];
}

/** A master's placement, its OID lists still lists. */
interface Placing extends Placement {
  nodes: Record<string, string[]>;
}

/**
 * A placement as sent: each node's OIDs as one string, separated by newlines (a list when an OID
 * has one). An island then parses one string per node, not one per Drop: `JSON.parse` puts short
 * strings in V8's string table, ~0.6 us each on this VM when the table is large.
 */
function wirePlacement(p: Placing): Placement {
  const nodes: Record<string, string[] | string> = {};
  for (const [node, oids] of Object.entries(p.nodes)) {
    nodes[node] = oids.some((oid) => oid.includes("\n")) ? oids : oids.join("\n");
  }
  return { ...p, nodes };
}

/** `from` added to `into` (the same island, a later batch). */
function mergePlacement(into: Placing, from: Placing): void {
  for (const [node, oids] of Object.entries(from.nodes)) {
    const list = into.nodes[node];
    if (!list) into.nodes[node] = oids;
    else for (const oid of oids) list.push(oid);
  }
  if (from.uids) Object.assign(into.uids ??= Object.create(null), from.uids);
  if (from.cut) {
    const cut = into.cut ??= [];
    for (const c of from.cut) cut.push(c);
  }
}

/** Every OID of a placement. */
function placedOids(p: Placing): string[] {
  return Object.values(p.nodes).flat();
}

/** A memo of `node` values' `host:port` for one batch (the value itself when it does not parse). */
export function nodeKeys(): (raw: string | undefined) => string {
  const keys = new Map<string, string>();
  return (raw) => {
    if (raw === undefined) return "";
    let k = keys.get(raw);
    if (k === undefined) {
      try {
        k = parseNode(raw, 8000).key;
      } catch {
        k = raw;
      }
      keys.set(raw, k);
    }
    return k;
  };
}

/**
 * Check that every new Drop's `node` is under its island (`nodesOf` gives an island's nodes as
 * `host:port`, asked again once when a node is missing: it may have been added since); 400
 * InvalidGraphException naming the first Drop that is not, 555 naming a node its island says is
 * down (`downOf`). Then group the specs by node.
 */
export async function byNode(
  split: Split,
  islands: readonly Child[],
  nodesOf: (c: Child, fresh: boolean) => Promise<Set<string>>,
  nodeKey: (raw: string | undefined) => string,
  downOf?: (c: Child) => Promise<Map<string, string>>,
): Promise<{ nodes: NodePart[]; placed: Map<Child, Placing> }> {
  const known = new Map<Child, Set<string>>();
  const downs = new Map<Child, Map<string, string>>();
  const asked = new Set<Child>();
  const placed = new Map<Child, Placing>();
  for (const [oid, o] of split.owners) {
    if (!o.node) throw invalidGraph(`Drop ${oid} doesn't specify a node attribute`);
    const island = islands[o.part]!;
    let nodes = known.get(island);
    if (!nodes) known.set(island, nodes = await nodesOf(island, false));
    const key = nodeKey(o.node);
    if (!nodes.has(key) && !asked.has(island)) {
      asked.add(island);
      known.set(island, nodes = await nodesOf(island, true));
    }
    if (!nodes.has(key)) {
      throw invalidGraph(`Drop ${oid}'s node ${o.node} is not a node of island ${island.name}`);
    }
    if (downOf) {
      let down = downs.get(island);
      if (!down) downs.set(island, down = await downOf(island));
      const why = down.get(key);
      if (why !== undefined) throw childDown(nameOf(o.node), why);
    }
    let p = placed.get(island);
    if (!p) placed.set(island, p = { nodes: {} });
    const list = p.nodes[o.node];
    if (list) list.push(oid);
    else p.nodes[o.node] = [oid];
    // No prototype: an OID may be any string, `__proto__` too.
    if (o.uid !== undefined) {
      (p.uids ??= Object.create(null) as Record<string, string>)[oid] = o.uid;
    }
  }
  const parts = new Map<string, NodePart>();
  for (const specs of split.parts) {
    for (const spec of specs) {
      const node = split.owners.get(spec.oid as string)!.node!;
      const key = nodeKey(node);
      const p = parts.get(key);
      if (p) p.specs.push(spec);
      else parts.set(key, { name: nameOf(node), node, specs: [spec] });
    }
  }
  return { nodes: [...parts.values()], placed };
}

function nameOf(node: string): string {
  try {
    return parseNode(node, 8000).name;
  } catch {
    return node;
  }
}

/** Requests in flight to one node at most; more waits (the master reads on meanwhile). */
const IN_FLIGHT = 3;

interface NodeSends {
  name: string;
  client: NodeManagerClient;
  oids: string[];
  inFlight: Set<Promise<void>>;
}

/**
 * One append sent straight to the nodes, batch after batch as the master reads it: node parts
 * go out at once (a few in flight per node), placements at the end. All or nothing: `finish`
 * takes everything back from every node and island when anything was refused.
 */
export class DirectSend {
  #sessionId: string;
  #client: (node: string) => NodeManagerClient;
  #nodes = new Map<string, NodeSends>();
  #placed = new Map<Child, Placing>();
  #errors: Record<string, ChildError> = {};
  /** Islands sent their placements (by `finish`). */
  #placing: Child[] = [];

  constructor(sessionId: string, client: (node: string) => NodeManagerClient) {
    this.#sessionId = sessionId;
    this.#client = client;
  }

  /** Has a node refused something already? */
  get failed(): boolean {
    return Object.keys(this.#errors).length > 0;
  }

  /** Start sending a batch; resolves when there is room for the next. */
  async add(batch: { nodes: NodePart[]; placed: Map<Child, Placing> }): Promise<void> {
    for (const [c, p] of batch.placed) {
      const all = this.#placed.get(c);
      if (all) mergePlacement(all, p);
      else this.#placed.set(c, p);
    }
    for (const p of batch.nodes) {
      let n = this.#nodes.get(p.name);
      if (!n) {
        n = { name: p.name, client: this.#client(p.node), oids: [], inFlight: new Set() };
        this.#nodes.set(p.name, n);
      }
      for (const spec of p.specs) n.oids.push(spec.oid as string);
      for (const chunk of chunks(p.specs)) {
        while (n.inFlight.size >= IN_FLIGHT) await Promise.race(n.inFlight);
        const sent: Promise<void> = appendChunk(n.client, this.#sessionId, chunk).then(
          () => {},
          (e) => {
            this.#errors[n.name] ??= childError(e, n);
          },
        ).finally(() => n.inFlight.delete(sent));
        n.inFlight.add(sent);
      }
    }
    // Let the requests go out before reading on.
    await yieldIo();
  }

  /** Wait for every node, place the Drops on their islands; undo all if anything failed. */
  async finish(): Promise<Record<string, ChildError> | undefined> {
    const nodes = [...this.#nodes.values()];
    const islands = this.#placing = this.failed ? [] : [...this.#placed.keys()];
    const [, toIslands] = await Promise.all([
      Promise.all(nodes.flatMap((n) => [...n.inFlight])),
      fanOut(
        islands,
        (c) =>
          c.bulk.request("POST", sessionPath(this.#sessionId, "/graph/placement"), {
            json: wirePlacement(this.#placed.get(c)!),
          }),
      ),
    ]);
    const errors = { ...toIslands.errors, ...this.#errors };
    if (!Object.keys(errors).length) return undefined;
    await this.undo();
    return errors;
  }

  /** Take back what was sent (removing OIDs one does not hold is a no-op). */
  async undo(): Promise<void> {
    const nodes = [...this.#nodes.values()];
    await Promise.all(nodes.flatMap((n) => [...n.inFlight]));
    await Promise.all([
      fanOut(nodes, (n) => n.client.removeDrops(this.#sessionId, n.oids)),
      fanOut(
        this.#placing,
        (c) => c.client.removeDrops(this.#sessionId, placedOids(this.#placed.get(c)!)),
      ),
    ]);
  }
}

/**
 * A master reads a large append in batches of about this many bytes, sending each while it reads
 * the next, the loop let in between: a 4 MB batch (~25k Drops) held it 300-400 ms. `dlg submit`'s
 * parts are this size already.
 */
const READ_BYTES = 1 << 20;

/**
 * Read `bytes` light, batch after batch, each committed and sent (`o.commit`) while the next is
 * read. "refused" (all undone) when something cannot go as read: a body or class to read in
 * full, or a 400 from the checks; the nodes' errors (all undone) when a node refused.
 */
export async function appendLight(
  bytes: Uint8Array,
  o: {
    classes: ClassTable;
    send: DirectSend;
    commit: (items: LightItem[], send: DirectSend) => Promise<() => void>;
  },
): Promise<"refused" | Record<string, ChildError> | undefined> {
  const undo: (() => void)[] = [];
  const undoAll = async () => {
    await o.send.undo();
    for (const u of undo.reverse()) u();
  };
  try {
    for (let at = 0; at >= 0 && !o.send.failed;) {
      const batch = lightItems(bytes, { at, maxBytes: READ_BYTES });
      // Only classes known here are forwarded unread.
      if (!batch || !batch.items.every((x) => knownClass(x, o.classes))) {
        await undoAll();
        return "refused";
      }
      at = batch.at;
      undo.push(await o.commit(batch.items, o.send));
    }
  } catch (e) {
    await undoAll();
    if (e instanceof HttpError && e.status === 400) return "refused";
    throw e;
  }
  const errors = await o.send.finish();
  if (errors) { for (const u of undo.reverse()) u(); }
  return errors;
}

/** A master's append of parsed specs: straight to the nodes, placements to the islands. */
export async function appendDirect(
  set: ChildSet,
  s: CompositeSession,
  items: Record<string, unknown>[],
): Promise<void> {
  const send = new DirectSend(s.id, (n) => set.nodeBulk(n));
  const undo = await commitDirect(set, s, items, send);
  const errors = await send.finish();
  if (errors) {
    undo();
    throw subManagerError(errors);
  }
}

/** Split a batch by node, check it, record it in the session and start sending it; its undo. */
export async function commitDirect(
  set: ChildSet,
  s: CompositeSession,
  items: Record<string, unknown>[],
  send: DirectSend,
): Promise<() => void> {
  const nodeKey = nodeKeys();
  // Links between Drops on different nodes are cut (islands are not in between any more).
  const apart = (a: Owned, b: Owned) => nodeKey(a.node) !== nodeKey(b.node);
  const split = set.split(s.children, items, { state: s, apart, edges: s.checksCycles });
  const nodesOf = (c: Child, fresh: boolean) => set.islandNodes(c, fresh);
  const placed = await byNode(split, s.children, nodesOf, nodeKey, (c) => set.downNodes(c));
  // The links cut from the specs go to the holder's island, for its graph view.
  for (const c of split.removed) {
    const p = placed.placed.get(s.children[split.owners.get(c[0])!.part]!)!;
    (p.cut ??= []).push(c);
  }
  // No other batch can have taken these OIDs while the islands' nodes were asked for: a
  // session's appends run one after the other (`serially`), and the split checked them.
  const undo = s.commit(split);
  await send.add(placed);
  return undo;
}

/**
 * An island records Drops its master sent straight to its nodes, with the links cut from them:
 * straight into the session (no split: placements carry no links to follow), 400 naming the
 * first Drop it cannot take, changing nothing.
 */
export function placeDrops(set: ChildSet, s: CompositeSession, p: Placement): void {
  const partOf = set.partOf(s.children);
  const groups: PlacedGroup[] = [];
  for (const [node, oids] of Object.entries(p.nodes)) {
    if (!oids.length) continue;
    const blank = typeof oids === "string"
      ? oids.startsWith("\n") || oids.endsWith("\n") || oids.includes("\n\n")
      : oids.some((oid) => !oid);
    if (blank) throw invalidGraph("a placed Drop has no oid");
    const part = partOf(node);
    if (part === undefined) {
      const first = typeof oids === "string" ? oids.split("\n", 1)[0] : oids[0];
      throw invalidGraph(`Drop ${first}'s node ${node} does not belong to this manager`);
    }
    groups.push({ part, node, oids });
  }
  s.place(groups, Object.entries(p.uids ?? {}), p.cut ?? []);
}
