/**
 * A master's append: each node's part of a batch goes straight to that node (as DALiuGE's master
 * sends subscriptions and triggers), and each island gets only where its Drops went
 * (`graph/placement`: OID, UID, node; no specs). Islands then neither re-read nor re-serialise
 * the graph, and every link between nodes is the master's to subscribe at deploy.
 */
import type { NodeManagerClient } from "../client/mod.ts";
import { invalidGraph } from "../errors/mod.ts";
import { type Child, type ChildError, fanOut } from "./children.ts";
import type { Owned, Split } from "./partition.ts";
import { parseNode } from "./node_string.ts";
import { appendInParts } from "./send.ts";

/** One node's share of a batch. */
export interface NodePart {
  /** The node's name (`host:port:events:rpc`), for errors. */
  name: string;
  /** The `node` value of its first Drop, to reach it. */
  node: string;
  specs: Record<string, unknown>[];
}

/** `[oid, uid, node]` of each Drop an island holds. */
export type Placed = [string, string, string];

const keys = new Map<string, string>();

/** A `node` value's `host:port` (the value itself when it does not parse). */
export function nodeKey(raw: string | undefined): string {
  if (raw === undefined) return "";
  let k = keys.get(raw);
  if (k === undefined) {
    try {
      k = parseNode(raw, 8000).key;
    } catch {
      k = raw;
    }
    if (keys.size >= 10_000) keys.clear();
    keys.set(raw, k);
  }
  return k;
}

/** Links between Drops on different nodes are cut (islands are not in between any more). */
export const apartByNode = (a: Owned, b: Owned): boolean => nodeKey(a.node) !== nodeKey(b.node);

/**
 * Check that every new Drop's `node` is under its island (`nodesOf` gives an island's nodes as
 * `host:port`, asked again once when a node is missing: it may have been added since); 400
 * InvalidGraphException naming the first Drop that is not. Then group the specs by node.
 */
export async function byNode(
  split: Split,
  islands: readonly Child[],
  nodesOf: (c: Child, fresh: boolean) => Promise<Set<string>>,
): Promise<{ nodes: NodePart[]; placed: Map<Child, Placed[]> }> {
  const known = new Map<Child, Set<string>>();
  const asked = new Set<Child>();
  const placed = new Map<Child, Placed[]>();
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
    const list = placed.get(island);
    if (list) list.push([oid, o.uid, o.node]);
    else placed.set(island, [[oid, o.uid, o.node]]);
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

const enc = encodeURIComponent;

/**
 * Send the parts to the nodes and the placements to the islands, all at once. All or nothing:
 * on any failure the batch is taken back from every node and island (removing OIDs one does
 * not hold is a no-op), and the children's errors are returned.
 */
export async function sendDirect(
  sessionId: string,
  o: {
    nodes: NodePart[];
    placed: Map<Child, Placed[]>;
    client: (node: string) => NodeManagerClient;
  },
): Promise<Record<string, ChildError> | undefined> {
  const path = `/api/sessions/${enc(sessionId)}/graph`;
  const islands = [...o.placed.keys()];
  const [toNodes, toIslands] = await Promise.all([
    fanOut(o.nodes, (p) => appendInParts(o.client(p.node), sessionId, p.specs)),
    fanOut(islands, (c) =>
      c.bulk.request("POST", `${path}/placement`, {
        json: o.placed.get(c)!,
      })),
  ]);
  if (!toNodes.failed && !toIslands.failed) return undefined;
  await Promise.all([
    fanOut(o.nodes, (p) =>
      o.client(p.node).request("POST", `${path}/remove`, {
        json: p.specs.map((x) => x.oid),
      })),
    fanOut(islands, (c) =>
      c.client.request("POST", `${path}/remove`, {
        json: o.placed.get(c)!.map((x) => x[0]),
      })),
  ]);
  return { ...toIslands.errors, ...toNodes.errors };
}
