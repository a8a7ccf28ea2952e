/**
 * Splitting a `graph/append` batch by the partition attribute (`node` at an island, `island`
 * at a master). Links between partitions are taken out of the specs (string links; `{oid: port}`
 * links stay, as DALiuGE leaves them, so port names survive) and recorded as DALiuGE relations
 * `(lhs, linkType, rhs)`: "lhs is linkType of rhs".
 */
import { invalidGraph } from "../errors/mod.ts";
import { appearsTwice, share, type Shared } from "../graph/mod.ts";
import { LINK_KEYS, LINK_TYPE_OF, type LinkKey, linkOid } from "../wire/mod.ts";

/**
 * Where a Drop went. Records are shared: every Drop of a batch on one node whose UID is its OID
 * gets the same one (a tier keeps no object per Drop for it, only its map entry).
 */
export interface Owned {
  /** The UID, when it is not the OID (`uidOf`). */
  readonly uid: string | undefined;
  readonly part: number;
  /** The `node` attribute: where the Drop runs. */
  readonly node: string | undefined;
}

/** Drop `oid`'s UID, by its record. */
export function uidOf(oid: string, o: Owned): string {
  return o.uid ?? oid;
}

/** A batch's shared records, by part, then by node. */
export type SharedOwners = Map<number, Map<string | undefined, Owned>>;

/** `node` as the batch keeps it: one copy of each value (JSON.parse gives every spec its own). */
function sharedNode(node: string | undefined, shared: Shared): string | undefined {
  return node === undefined ? node : share(node, shared);
}

/**
 * What a tier keeps of Drop `oid`: one copy per batch (`shared`) of each `node` value, and for a
 * Drop whose UID is its OID (mostly) the batch's one record for its part and node (`same`: found
 * without a key made per Drop).
 */
export function owned(
  oid: string,
  uid: string | undefined,
  part: number,
  node: string | undefined,
  shared: Shared,
  same: SharedOwners,
): Owned {
  if (uid !== undefined && uid !== oid) return { uid, part, node: sharedNode(node, shared) };
  let byNode = same.get(part);
  if (!byNode) same.set(part, byNode = new Map());
  let o = byNode.get(node);
  if (!o) byNode.set(node, o = { uid: undefined, part, node: sharedNode(node, shared) });
  return o;
}

/** A cross-partition relation, in UIDs, with the nodes of both ends. */
export interface Rel {
  lhs: string;
  rel: number;
  rhs: string;
  lhsOid: string;
  rhsOid: string;
  lhsNode: string | undefined;
  rhsNode: string | undefined;
}

/** A link to an OID not seen yet, kept in its spec until the OID arrives. */
export interface Waiting {
  from: string;
  key: LinkKey;
}

export interface SplitState {
  owners: ReadonlyMap<string, Owned>;
  pending: ReadonlyMap<string, Waiting[]>;
}

export interface Split {
  parts: Record<string, unknown>[][];
  owners: Map<string, Owned>;
  rels: Rel[];
  /** Link entries taken out: `[holderOid, key, entry]`, put back in `GET .../graph`. */
  removed: [string, LinkKey, unknown][];
  /** New waiting links, by target OID. */
  waiting: Map<string, Waiting[]>;
  /** Target OIDs whose waiting links this batch resolved. */
  resolved: string[];
  /** With `edges`: every link as `from, to` (the way data flows), pair after pair. */
  edges: string[];
}

/** Link lists whose holder is upstream of the Drops they name (the others name upstream ones). */
const DOWNSTREAM = new Set<LinkKey>(["consumers", "streamingConsumers", "outputs"]);

function str(x: unknown): string | undefined {
  return typeof x === "string" && x ? x : typeof x === "number" ? String(x) : undefined;
}

export interface SplitOptions {
  attr: "node" | "island";
  nParts: number;
  partOf: (value: string) => number | undefined;
  /**
   * Whether a link between two Drops crosses (is taken out and recorded as a relation); by
   * default when they are in different parts. A master sending straight to the nodes cuts
   * every link between nodes.
   */
  apart?: (a: Owned, b: Owned) => boolean;
  /** Record every link as an edge (`Split.edges`), for the deploy's cycle check. */
  edges?: boolean;
}

/**
 * Split `items`; throws 400 InvalidGraphException naming the Drop, changing nothing. A Drop the
 * session already has is not looked for here: `CompositeSession.commit` refuses it.
 */
export function splitBatch(
  items: Record<string, unknown>[],
  o: SplitOptions,
  state: SplitState,
): Split {
  const apart = o.apart ?? ((a: Owned, b: Owned) => a.part !== b.part);
  const owners = new Map<string, Owned>();
  const shared: Shared = new Map();
  const same: SharedOwners = new Map();
  items.forEach((item, i) => {
    const oid = item.oid;
    if (typeof oid !== "string" || !oid) throw invalidGraph(`Drop #${i} has no oid`);
    // An OID already in the session is found by `CompositeSession.commit`, as it records it.
    if (owners.has(oid)) throw appearsTwice(oid);
    const value = str(item[o.attr]);
    if (!value) throw invalidGraph(`Drop ${oid} doesn't specify a ${o.attr} attribute`);
    const part = o.partOf(value);
    if (part === undefined) {
      throw invalidGraph(`Drop ${oid}'s ${o.attr} ${value} does not belong to this manager`);
    }
    owners.set(oid, owned(oid, str(item.uid), part, str(item.node), shared, same));
  });
  const out: Split = {
    parts: Array.from({ length: o.nParts }, () => []),
    owners,
    rels: [],
    removed: [],
    waiting: new Map(),
    resolved: [],
    edges: [],
  };
  const rel = (target: Owned, tOid: string, key: LinkKey, holder: Owned, hOid: string) =>
    out.rels.push({
      lhs: uidOf(tOid, target),
      rel: LINK_TYPE_OF[key],
      rhs: uidOf(hOid, holder),
      lhsOid: tOid,
      rhsOid: hOid,
      lhsNode: target.node,
      rhsNode: holder.node,
    });
  for (const item of items) {
    const oid = item.oid as string;
    const me = owners.get(oid)!;
    let spec = item;
    for (const key of LINK_KEYS) {
      const list = item[key];
      if (!Array.isArray(list) || list.length === 0) continue;
      let kept: unknown[] | undefined;
      const down = DOWNSTREAM.has(key);
      list.forEach((entry, j) => {
        const t = linkOid(entry);
        if (o.edges && t !== undefined) {
          if (down) out.edges.push(oid, t);
          else out.edges.push(t, oid);
        }
        const owner = t === undefined ? undefined : owners.get(t) ?? state.owners.get(t);
        if (t !== undefined && !owner) {
          const w = out.waiting.get(t) ?? [];
          w.push({ from: oid, key });
          out.waiting.set(t, w);
        }
        if (!owner || !apart(owner, me)) {
          kept?.push(entry);
          return;
        }
        rel(owner, t!, key, me, oid);
        // A plain OID becomes `{oid: ""}`: the node learns its place in the list (apps such as
        // gather read inputs in list order) but no port name; the graph view gets it back.
        if (typeof entry === "string") {
          kept ??= list.slice(0, j);
          kept.push({ [entry]: "" });
          out.removed.push([oid, key, entry]);
        } else kept?.push(entry);
      });
      if (kept) {
        if (spec === item) spec = { ...item };
        spec[key] = kept;
      }
    }
    out.parts[me.part]!.push(spec);
  }
  // Links from earlier batches to Drops that arrive now.
  for (const [oid, me] of owners) {
    const waiting = state.pending.get(oid);
    if (!waiting) continue;
    out.resolved.push(oid);
    for (const w of waiting) {
      const holder = state.owners.get(w.from);
      if (holder && apart(holder, me)) rel(me, oid, w.key, holder, w.from);
    }
  }
  // Links within this batch to Drops of this batch are not waiting.
  for (const t of [...out.waiting.keys()]) if (owners.has(t)) out.waiting.delete(t);
  return out;
}
