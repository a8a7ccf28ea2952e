/**
 * Automatic placement, as DALiuGE's `dlg map` does on the client: Drops that name no `node` (or
 * `island` at a master), or only the translator's partition (`#N`, what DALiuGE writes into
 * `node`/`island` for a graph mapped later), go to live children. Each partition goes whole to
 * one child; Drops with no partition are grouped along their links (connected components). Groups
 * are balanced by `weight` (else Drop count) over the children, largest first. A session keeps
 * partition -> child and each child's load, so appends in several parts stay consistent.
 */
import { LINK_KEYS, linkOid } from "../wire/mod.ts";
import { invalidGraph } from "../errors/mod.ts";

/** What a session remembers between appends. */
export interface PlaceMemory {
  /** Partition label (`node:#3`, `island:#1`) -> where it went. */
  labels: Map<string, string>;
  /** Weight placed so far on each child (by the value written into Drops). */
  loads: Map<string, number>;
}

export function newMemory(): PlaceMemory {
  return { labels: new Map(), loads: new Map() };
}

/** The translator's partition placeholder: `#0`, `#1`, ... */
export function isLabel(v: unknown): v is string {
  return typeof v === "string" && /^#\d+$/.test(v);
}

/** Does a Drop leave its `attr` to us (absent or a partition label)? */
export function unplaced(item: Record<string, unknown>, attr: string): boolean {
  const v = item[attr];
  return v === undefined || v === null || v === "" || isLabel(v);
}

/** Does any Drop of the batch need placing at this tier? */
export function needsPlacing(items: Record<string, unknown>[], attrs: string[]): boolean {
  return items.some((x) => attrs.some((a) => unplaced(x, a)));
}

export function weightOf(item: Record<string, unknown>): number {
  const w = Number(item.weight);
  return Number.isFinite(w) && w > 0 ? w : 1;
}

/** A set of Drops that go to one place. */
export interface Group {
  /** `label:#N` for a partition, `c:<oid>` for a component. */
  key: string;
  items: Record<string, unknown>[];
  weight: number;
  /** A Drop linked to the group is already placed here (a component follows it). */
  near?: string;
}

/**
 * Group the Drops whose `attr` is ours to decide: by partition label, else by connected
 * component. `placedAt(oid)` is where an already placed Drop (this batch or before) is.
 */
export function groupDrops(
  items: Record<string, unknown>[],
  attr: string,
  placedAt: (oid: string) => string | undefined,
): Group[] {
  const free = new Map<string, Record<string, unknown>>();
  const groups = new Map<string, Group>();
  for (const item of items) {
    if (!unplaced(item, attr)) continue;
    const v = item[attr];
    if (isLabel(v)) add(groups, `${attr}:${v}`, item);
    else free.set(String(item.oid), item);
  }
  // Connected components of the free Drops (union-find over their links, either end).
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let r = x;
    while (parent.get(r) !== r) r = parent.get(r)!;
    for (let y = x; y !== r;) {
      const n = parent.get(y)!;
      parent.set(y, r);
      y = n;
    }
    return r;
  };
  for (const oid of free.keys()) parent.set(oid, oid);
  const near = new Map<string, string>();
  for (const [oid, item] of free) {
    for (const key of LINK_KEYS) {
      const list = item[key];
      if (!Array.isArray(list)) continue;
      for (const entry of list) {
        const t = linkOid(entry);
        if (t === undefined) continue;
        if (free.has(t)) parent.set(find(t), find(oid));
        else {
          const at = placedAt(t);
          if (at !== undefined && !near.has(oid)) near.set(oid, at);
        }
      }
    }
  }
  for (const [oid, item] of free) {
    const root = find(oid);
    const g = add(groups, `c:${root}`, item);
    g.near ??= near.get(oid);
  }
  return [...groups.values()];
}

function add(groups: Map<string, Group>, key: string, item: Record<string, unknown>): Group {
  let g = groups.get(key);
  if (!g) groups.set(key, g = { key, items: [], weight: 0 });
  g.items.push(item);
  g.weight += weightOf(item);
  return g;
}

/**
 * Longest-processing-time balance: each weight, largest first, to the bin whose load relative
 * to its capacity ends lowest. Returns the bin index of each weight.
 */
export function balance(weights: number[], bins: { load: number; capacity?: number }[]): number[] {
  if (bins.length === 0) throw new RangeError("balance needs at least one bin");
  const loads = bins.map((b) => b.load);
  const caps = bins.map((b) => b.capacity ?? 1);
  const out = new Array<number>(weights.length).fill(0);
  const order = weights.map((_, i) => i).sort((a, b) => weights[b]! - weights[a]! || a - b);
  for (const i of order) {
    let best = 0;
    let bestEnd = Infinity;
    for (let b = 0; b < loads.length; b++) {
      const end = (loads[b]! + weights[i]!) / caps[b]!;
      if (end < bestEnd) [best, bestEnd] = [b, end];
    }
    out[i] = best;
    loads[best]! += weights[i]!;
  }
  return out;
}

/**
 * Give each group a place among `targets` (values to write): a known partition keeps its place,
 * a component follows a placed neighbour in `targets`, the rest are balanced. `capacity` weighs
 * targets (a master's islands by their nodes). Returns group key -> target.
 */
export function assign(
  groups: Group[],
  targets: string[],
  mem: PlaceMemory,
  capacity?: (t: string) => number,
): Map<string, string> {
  const out = new Map<string, string>();
  const open: Group[] = [];
  for (const g of groups) {
    const known = mem.labels.get(g.key) ?? g.near;
    if (known !== undefined && targets.includes(known)) out.set(g.key, known);
    else open.push(g);
  }
  if (open.length) {
    if (!targets.length) {
      throw invalidGraph(`Drop ${open[0]!.items[0]?.oid ?? ""} has no place: no live child here`);
    }
    const bins = targets.map((t) => ({ load: mem.loads.get(t) ?? 0, capacity: capacity?.(t) }));
    balance(open.map((g) => g.weight), bins).forEach((b, i) => out.set(open[i]!.key, targets[b]!));
  }
  for (const g of groups) {
    const t = out.get(g.key)!;
    if (/:#\d+$/.test(g.key)) mem.labels.set(g.key, t);
    mem.loads.set(t, (mem.loads.get(t) ?? 0) + g.weight);
  }
  return out;
}
