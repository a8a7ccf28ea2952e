/** What a composite manager keeps per session: where each Drop went and the links between. */
import { CYCLE_CHECK_MAX, findCycle } from "./cycles.ts";
import { type Child, type ChildError, describe } from "./children.ts";
import {
  type Owned,
  owned,
  type Rel,
  type SharedOwners,
  type Split,
  type Waiting,
} from "./partition.ts";
import type { LinkKey, LostEvents } from "../wire/mod.ts";
import { alreadyInSession, type Shared } from "../graph/mod.ts";
import { isSessionOver, SessionStates } from "../drops/mod.ts";
import type { CompositeStream } from "./composite_stream.ts";
import { newMemory, type PlaceMemory } from "./placement.ts";

export const Phase = { PRISTINE: 0, BUILDING: 1, DEPLOYING: 2, DEPLOYED: 3 } as const;

const { CANCELLED, FINISHED, FAILED } = SessionStates;

/** FINISHED, CANCELLED or FAILED, at any depth of a status map (an empty map is not over). */
export function isOver(status: unknown): boolean {
  if (typeof status === "number") return isSessionOver(status);
  if (status && typeof status === "object") {
    const all = Object.values(status);
    return all.length > 0 && all.every(isOver);
  }
  return false;
}

/** What a session tells whoever follows it (its stream, its manager). */
export interface SessionWatcher {
  /** `name` failed for this session (down, restarted, refused its deploy). */
  failed?(name: string, why: string): void;
  /** The session broke (first loss of a child holding Drops): `why` names it. */
  lost?(why: string): void;
  /** The deploy is over (whatever came of it): empty parts now count as FINISHED. */
  deployed?(): void;
}

/**
 * Drops a master sent to one node of an island: their OIDs (a list, or one string of them
 * separated by newlines, as the master sends them) and the node's part.
 */
export interface PlacedGroup {
  part: number;
  node: string;
  oids: string[] | string;
}

export class CompositeSession {
  readonly id: string;
  /** The children the session was created on. */
  readonly children: Child[];
  readonly createdAt = Date.now();
  phase: number = Phase.PRISTINE;
  /**
   * Settles once the deploy in progress is over. Cancels wait for it: one sent while the parts
   * are still BUILDING is refused, and the deploy would then start them with nobody to stop them.
   */
  deploying: Promise<void> | undefined = undefined;
  /** The appends in flight, one after the other (each splits against the ones before it). */
  #appending: Promise<void> = Promise.resolve();
  #owners = new Map<string, Owned>();
  /** Each batch's links as `from, to` pairs, for the deploy's cycle check; null past its size. */
  #edges: string[][] | null = [];
  /**
   * At an island: the Drops its master placed, as sent (OIDs by node), not yet in `owners`: a
   * record per Drop is made the first time `owners` is asked for (removal, a Drop's reads), which
   * an append and a deploy never do. Nothing per Drop is indexed before (the master checked the
   * OIDs against the whole session): on this VM an index of a million OIDs costs about a
   * microsecond per OID in cache misses, and `JSON.parse` puts short strings in V8's string table.
   */
  #placed: PlacedGroup[] = [];
  #placedUids = new Map<string, string>();
  /** Has any Drop a UID other than its OID? (None: `byUid` needs no map of them.) */
  #otherUids = false;
  pending = new Map<string, Waiting[]>();
  rels: Rel[] = [];
  removed: [string, LinkKey, unknown][] = [];
  /** Indexes of the children holding Drops of this session. */
  parts = new Set<number>();
  /** Children that failed during the session, with why. */
  failed = new Map<string, ChildError>();
  /** Each child's last status for this session, as it answered (kept once it is gone). */
  seen = new Map<string, unknown>();
  /** Why the session broke: the first loss of a child holding its Drops, or below one. */
  lost: string | undefined = undefined;
  /** With `lost`: events a node gave up, delivered by the parent that reaches their nodes. */
  lostEvents: LostEvents[] = [];
  /** Where automatic placement put partitions, and each child's load. */
  readonly placement: PlaceMemory = newMemory();
  #watchers: SessionWatcher[] = [];
  /** The session's event stream (its children's, merged), made for its first reader. */
  stream: CompositeStream | undefined = undefined;
  /** The same with the children's state changes only (what the manager's log follows). */
  states: CompositeStream | undefined = undefined;

  /**
   * Run an append after those in flight: a batch is split against the Drops of the batches
   * before it (links across batches), so two may not be read at once; their bodies still arrive
   * meanwhile.
   */
  serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.#appending.then(fn);
    this.#appending = run.then(() => {}, () => {});
    return run;
  }

  /** Settles once the appends in flight are over. */
  get appended(): Promise<void> {
    return this.#appending;
  }

  constructor(id: string, children: Child[]) {
    this.id = id;
    this.children = children;
  }

  /** Where each Drop went, by OID. */
  get owners(): Map<string, Owned> {
    if (this.#placed.length) this.#fold();
    return this.#owners;
  }

  /** Should appends record their links (`Split.edges`)? */
  get checksCycles(): boolean {
    return this.#edges !== null;
  }

  /** A Drop on a cycle of the links appended here, if any (unchecked past `CYCLE_CHECK_MAX`). */
  findCycle(): string | undefined {
    return this.#edges ? findCycle(this.#edges) : undefined;
  }

  /** How many Drops the session holds, counted without making a record per placed one. */
  get size(): number {
    let n = this.#owners.size;
    for (const { oids } of this.#placed) {
      if (typeof oids !== "string") n += oids.length;
      else if (oids) {
        n++;
        for (let at = oids.indexOf("\n"); at >= 0; at = oids.indexOf("\n", at + 1)) n++;
      }
    }
    return n;
  }

  /** Does the session hold no Drop? */
  get empty(): boolean {
    return this.#owners.size === 0 && this.#placed.length === 0;
  }

  /**
   * Where Drops went, by UID: UIDs are mostly their OIDs (the owners' key), so only the others
   * get a map (a 10M-Drop deploy built a map of every Drop), made on the first call. For one
   * use: the owners as now.
   */
  byUid(): (uid: string) => Owned | undefined {
    let others: Map<string, Owned> | undefined;
    return (uid) => {
      if (!others) {
        others = new Map();
        // A pass over every owner: 0.5 s of a 4M-Drop deploy at the master, for none here.
        if (this.#otherUids) {
          for (const o of this.owners.values()) if (o.uid !== undefined) others.set(o.uid, o);
        }
      }
      const o = others.get(uid);
      if (o) return o;
      const same = this.owners.get(uid);
      return same && same.uid === undefined ? same : undefined;
    };
  }

  /**
   * Record Drops a master sent straight to this island's nodes (`uids`: those that are not
   * their OIDs; `cut`: links taken out of their specs), as they are: see `#placed`.
   */
  place(
    groups: PlacedGroup[],
    uids: Iterable<[string, string]>,
    cut: [string, LinkKey, unknown][],
  ): void {
    if (!groups.length) return;
    for (const g of groups) {
      this.#placed.push(g);
      this.parts.add(g.part);
    }
    for (const [oid, uid] of uids) this.#placedUids.set(oid, uid);
    if (this.#placedUids.size) this.#otherUids = true;
    for (const c of cut) this.removed.push(c);
    this.phase = Phase.BUILDING;
  }

  /** The placed Drops into `owners`, one record each. */
  #fold(): void {
    const shared: Shared = new Map();
    const same: SharedOwners = new Map();
    for (const g of this.#placed) {
      for (const oid of typeof g.oids === "string" ? g.oids.split("\n") : g.oids) {
        this.#owners.set(oid, owned(oid, this.#placedUids.get(oid), g.part, g.node, shared, same));
      }
    }
    this.#placed = [];
    this.#placedUids.clear();
  }

  /**
   * Record a batch; the returned function undoes exactly that. Throws 400 naming a Drop the
   * session already has, changing nothing: found as it goes in (`getOrInsert` that does not grow
   * the map), one operation per Drop on a map of up to 10M, not a lookup and then an insert.
   */
  commit(s: Split): () => void {
    const owners = this.owners;
    let k = 0;
    for (const [oid, o] of s.owners) {
      const n = owners.size;
      owners.getOrInsert(oid, o);
      if (owners.size === n) {
        // Take out what of this batch went in (its first k OIDs), then refuse it.
        for (const x of s.owners.keys()) {
          if (k-- === 0) break;
          owners.delete(x);
        }
        throw alreadyInSession(oid);
      }
      k++;
      if (o.uid !== undefined) this.#otherUids = true;
    }
    const phase = this.phase;
    const resolved = s.resolved.map((oid) => [oid, this.pending.get(oid)] as const);
    s.parts.forEach((specs, part) => {
      if (specs.length) this.parts.add(part);
    });
    for (const oid of s.resolved) this.pending.delete(oid);
    for (const [oid, w] of s.waiting) {
      const list = this.pending.get(oid);
      if (list) list.push(...w);
      else this.pending.set(oid, [...w]);
    }
    for (const r of s.rels) this.rels.push(r);
    for (const r of s.removed) this.removed.push(r);
    if (this.#edges && owners.size > CYCLE_CHECK_MAX) this.#edges = null;
    if (this.#edges && s.edges.length) this.#edges.push(s.edges);
    if (s.owners.size) this.phase = Phase.BUILDING;
    return () => {
      if (this.#edges) this.#edges = this.#edges.filter((b) => b !== s.edges);
      for (const oid of s.owners.keys()) this.owners.delete(oid);
      this.parts = new Set([...this.owners.values()].map((o) => o.part));
      for (const [oid, w] of s.waiting) {
        const mine = new Set(w);
        const keep = (this.pending.get(oid) ?? []).filter((x) => !mine.has(x));
        if (keep.length) this.pending.set(oid, keep);
        else this.pending.delete(oid);
      }
      for (const [oid, list] of resolved) if (list) this.pending.set(oid, list);
      const rels = new Set(s.rels);
      this.rels = this.rels.filter((r) => !rels.has(r));
      const removed = new Set(s.removed);
      this.removed = this.removed.filter((r) => !removed.has(r));
      if (this.owners.size === 0) this.phase = phase;
    };
  }

  /** Follow failures; the returned function stops. */
  watch(w: SessionWatcher): () => void {
    this.#watchers = [...this.#watchers, w];
    return () => {
      this.#watchers = this.#watchers.filter((x) => x !== w);
    };
  }

  /**
   * `c` failed for this session. A child whose part was already over keeps its history (a
   * restarted node does not rewrite it), and one holding no Drops fails nothing unless `force`
   * (it refused a deploy). True when recorded.
   */
  fail(c: Child, err: ChildError, force = false): boolean {
    if (this.failed.has(c.name) || isOver(this.seen.get(c.name))) return false;
    if (!force && !this.uses(c)) return false;
    this.failed.set(c.name, err);
    const why = `${c.name} failed: ${describe(err)}`;
    for (const w of this.#watchers) w.failed?.(c.name, why);
    this.breakDown(why);
    return true;
  }

  /**
   * The session broke (here or below): said once, to every watcher. `lostEvents`: events a node
   * below gave up, for the watchers to deliver before they stop the rest.
   */
  breakDown(why: string, lostEvents: LostEvents[] = []): void {
    if (this.lost !== undefined) return;
    this.lost = why;
    this.lostEvents = lostEvents;
    for (const w of this.#watchers) w.lost?.(why);
  }

  /**
   * `c`'s status for this session in a status map: FAILED if it failed (whatever its part says
   * once it is back: cancelled then), else its answer (remembered), else what it last said once
   * over, else what an empty part is by now.
   */
  statusOf(c: Child, answer?: { status?: unknown }): unknown {
    if (this.failed.has(c.name)) return FAILED;
    if (answer) {
      this.seen.set(c.name, answer.status);
      // An empty part the deploy skipped (its child was down then) stays PRISTINE there.
      if (this.phase === Phase.DEPLOYED && !this.uses(c) && !isOver(answer.status)) return FINISHED;
      return this.shown(answer.status);
    }
    const seen = this.seen.get(c.name);
    if (isOver(seen)) return seen;
    // An empty part is FINISHED once deployed; a working one is as it last said.
    if (!this.uses(c)) return this.phase === Phase.DEPLOYED ? FINISHED : seen ?? this.phase;
    return this.shown(seen ?? this.phase);
  }

  /**
   * A part's status as this tier shows it: a session that broke before its deploy can no longer
   * be appended to or deployed, so the parts still PRISTINE or BUILDING show as CANCELLED (the
   * session is then over: FAILED, with why).
   */
  shown(status: unknown): unknown {
    if (this.lost === undefined || this.phase >= Phase.DEPLOYING) return status;
    if (typeof status === "number") return isOver(status) ? status : CANCELLED;
    if (!status || typeof status !== "object") return status;
    return Object.fromEntries(Object.entries(status).map(([k, v]) => [k, this.shown(v)]));
  }

  /** The deploy is over, whatever came of it. */
  deployed(): void {
    this.phase = Phase.DEPLOYED;
    for (const w of this.#watchers) w.deployed?.();
  }

  /** Does `c` hold Drops of this session? Losing a child that holds none fails nothing. */
  uses(c: Child): boolean {
    return this.parts.has(this.children.indexOf(c));
  }

  /** The children calls go to: all but those that are down and hold nothing. */
  targets(): Child[] {
    return this.children.filter((c) => !c.down || this.uses(c));
  }

  /** Forget Drops (after `graph/remove`). */
  forget(oids: Set<string>): void {
    for (const oid of oids) this.owners.delete(oid);
    this.#edges = this.#edges?.map((b) => {
      const kept: string[] = [];
      for (let k = 0; k + 1 < b.length; k += 2) {
        if (!oids.has(b[k]!) && !oids.has(b[k + 1]!)) kept.push(b[k]!, b[k + 1]!);
      }
      return kept;
    }) ?? null;
    this.parts = new Set([...this.owners.values()].map((o) => o.part));
    this.rels = this.rels.filter((r) => !oids.has(r.lhsOid) && !oids.has(r.rhsOid));
    this.removed = this.removed.filter(([h]) => !oids.has(h));
    for (const [t, list] of this.pending) {
      const keep = list.filter((w) => !oids.has(w.from));
      if (keep.length) this.pending.set(t, keep);
      else this.pending.delete(t);
    }
    if (this.owners.size === 0 && this.phase === Phase.BUILDING) this.phase = Phase.PRISTINE;
  }

  /** `{node: {peerNode: [[lhs, rel, rhs], ...]}}`: what each node must subscribe to. */
  subscriptions(): Map<string, Record<string, [string, number, string][]>> {
    const out = new Map<string, Record<string, [string, number, string][]>>();
    const add = (node: string, peer: string, r: Rel) => {
      let m = out.get(node);
      if (!m) out.set(node, m = {});
      (m[peer] ??= []).push([r.lhs, r.rel, r.rhs]);
    };
    for (const r of this.rels) {
      if (!r.lhsNode || !r.rhsNode || r.lhsNode === r.rhsNode) continue;
      add(r.lhsNode, r.rhsNode, r);
      add(r.rhsNode, r.lhsNode, r);
    }
    return out;
  }

  /** Put the links taken out at append back into a merged graph. */
  putBack(graph: Record<string, unknown>): void {
    for (const [holder, key, entry] of this.removed) {
      const spec = graph[holder] as Record<string, unknown> | undefined;
      if (spec) putLinkBack(spec, key, entry);
    }
  }

  /** The links taken out at append, by the Drop that held them. */
  cutLinks(): Map<string, [LinkKey, unknown][]> {
    const out = new Map<string, [LinkKey, unknown][]>();
    for (const [holder, key, entry] of this.removed) {
      const list = out.get(holder);
      if (list) list.push([key, entry]);
      else out.set(holder, [[key, entry]]);
    }
    return out;
  }
}

/** One link taken out at append back into its holder's `spec`. */
export function putLinkBack(spec: Record<string, unknown>, key: LinkKey, entry: unknown): void {
  const list = Array.isArray(spec[key]) ? spec[key] as unknown[] : [];
  // Where the node got `{oid: ""}` in place of a plain OID, the OID goes back there.
  const at = typeof entry === "string" ? list.findIndex((x) => isPlaceholder(x, entry)) : -1;
  spec[key] = at >= 0 ? list.with(at, entry) : [...list, entry];
}

function isPlaceholder(x: unknown, oid: string): boolean {
  if (!x || typeof x !== "object") return false;
  const keys = Object.keys(x);
  return keys.length === 1 && keys[0] === oid && (x as Record<string, unknown>)[oid] === "";
}
