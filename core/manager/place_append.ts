/**
 * Where placement hooks into a composite's append: an island places Drops on its live nodes; a
 * master picks an island for each group, then a node of that island's session (it appends
 * straight to nodes). The `node`/`island` written into each spec is what `GET .../graph` shows.
 */
import { parseNode } from "../wire/mod.ts";
import { all, type Child } from "./children.ts";
import type { CompositeSession } from "./composite_session.ts";
import { assign, type Group, groupDrops, isLabel, unplaced, weightOf } from "./placement.ts";

type Spec = Record<string, unknown>;

/** The value a Drop names a child by: `host:port` (the URL for an https child). */
export function valueOf(c: Child): string {
  return c.ref.url.startsWith("https:") ? c.ref.url : c.ref.key;
}

function keyOf(v: string): string {
  try {
    return parseNode(v, 8000).key;
  } catch {
    return v;
  }
}

/** Map any spelling of a place to the matching target (undefined: not one of them). */
function matcher(targets: string[]): (v: string | undefined) => string | undefined {
  const byKey = new Map(targets.map((t) => [keyOf(t), t]));
  return (v) => v === undefined ? undefined : byKey.get(keyOf(v));
}

/** Count pinned Drops' weight where they are, so placed groups balance around them. */
function countPinned(s: CompositeSession, items: Spec[], attr: string, to: (v: string) => string) {
  for (const x of items) {
    if (unplaced(x, attr)) continue;
    const t = to(String(x[attr]));
    s.placement.loads.set(t, (s.placement.loads.get(t) ?? 0) + weightOf(x));
  }
}

/** Island: fill `node` of the Drops that leave it to us, over `live` children. */
export function placeAtIsland(s: CompositeSession, live: readonly Child[], items: Spec[]): void {
  const targets = live.map(valueOf);
  const match = matcher(targets);
  const pinned = new Map(items.filter((x) => !unplaced(x, "node")).map((x) => [x.oid, x.node]));
  const placedAt = (oid: string) =>
    match((pinned.get(oid) as string | undefined) ?? s.owners.get(oid)?.node);
  countPinned(s, items, "node", (v) => match(v) ?? v);
  const groups = groupDrops(items, "node", placedAt);
  const where = assign(groups, targets, s.placement);
  for (const g of groups) for (const x of g.items) x.node = where.get(g.key);
}

/**
 * The live nodes of an island's part of session `sid` (those it created the session on and that
 * are up and still its children), as values for `node`.
 */
export async function sessionNodes(c: Child, sid: string): Promise<string[]> {
  const got = await all([c], async (x) => {
    const [status, kids] = await Promise.all([
      x.status.sessionStatus(sid) as Promise<unknown>,
      x.status.request<{ name: string; up: boolean }[]>("GET", "/api/children"),
    ]);
    const mine = (status && typeof status === "object" ? status : {}) as Record<string, unknown>;
    const https = c.ref.url.startsWith("https:");
    return kids.filter((k) => k.up && k.name in mine).map((k) => {
      const key = parseNode(k.name).key;
      return https ? `https://${key}` : key;
    });
  });
  return got.get(c.name) ?? [];
}

/**
 * Master: fill `island` and `node` where the graph leaves them to us. `live` are the session's
 * islands that are up; `nodesOf` gives an island's live nodes for this session.
 */
export async function placeAtMaster(
  s: CompositeSession,
  live: readonly Child[],
  items: Spec[],
  nodesOf: (c: Child) => Promise<string[]>,
): Promise<void> {
  const islands = live.map(valueOf);
  const nodes = new Map<string, string[]>();
  await Promise.all(live.map(async (c) => nodes.set(valueOf(c), await nodesOf(c))));
  const islandOfNode = new Map<string, string>();
  for (const [i, list] of nodes) for (const n of list) islandOfNode.set(keyOf(n), i);
  const matchIsland = matcher(islands);
  const allNodes = matcher([...nodes.values()].flat());
  // A pinned node names its island.
  for (const x of items) {
    if (!unplaced(x, "node") && unplaced(x, "island")) {
      const i = islandOfNode.get(keyOf(String(x.node)));
      if (i !== undefined) x.island = i;
    }
  }
  const pinned = new Map(items.filter((x) => !unplaced(x, "node")).map((x) => [x.oid, x.node]));
  const placedAt = (oid: string) =>
    allNodes((pinned.get(oid) as string | undefined) ?? s.owners.get(oid)?.node);
  countPinned(s, items, "node", (v) => allNodes(v) ?? v);
  const groups = groupDrops(items, "node", placedAt);
  // Each group's island: given by a member, next to a placed neighbour, or by its island label.
  const fixed = new Map<Group, string>();
  const byLabel = new Map<string, Group[]>();
  for (const g of groups) {
    const given = g.items.find((x) => !unplaced(x, "island"))?.island;
    const at = given !== undefined
      ? matchIsland(String(given))
      : g.near !== undefined
      ? islandOfNode.get(keyOf(g.near))
      : undefined;
    if (at !== undefined) {
      fixed.set(g, at);
      continue;
    }
    const label = g.items.map((x) => x.island).find(isLabel);
    const key = label ? `island:${label}` : `free:${g.key}`;
    byLabel.set(key, [...byLabel.get(key) ?? [], g]);
  }
  const withNodes = islands.filter((i) => nodes.get(i)!.length > 0);
  const supers: Group[] = [...byLabel].map(([key, gs]) => ({
    key,
    items: [],
    weight: gs.reduce((n, g) => n + g.weight, 0),
  }));
  const isl = assign(supers, withNodes, s.placement, (i) => nodes.get(i)!.length);
  for (const [key, gs] of byLabel) for (const g of gs) fixed.set(g, isl.get(key)!);
  // Then each island's groups over its nodes.
  for (const i of new Set(fixed.values())) {
    const mine = groups.filter((g) => fixed.get(g) === i);
    const where = assign(mine, nodes.get(i) ?? [], s.placement);
    for (const g of mine) {
      for (const x of g.items) {
        x.node = where.get(g.key);
        if (unplaced(x, "island")) x.island = i;
      }
    }
  }
}
