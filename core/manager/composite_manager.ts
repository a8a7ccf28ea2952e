/**
 * The Data Island and Master managers: one class, configured by its partition attribute
 * (`node` for an island, `island` for a master) and its children. It keeps no Drops, only
 * where each went and the links between partitions; everything else is asked of the children.
 */
import type { NodeManagerClient, Transport } from "../client/mod.ts";
import {
  invalidGraph,
  invalidState,
  noDrop,
  noSession,
  sessionExists,
  subManagerError,
} from "../errors/mod.ts";
import { all, Child, type ChildError, fanOut, STATUS_MS } from "./children.ts";
import { parseNode, sessionPath, SESSIONS_PATH } from "../wire/mod.ts";
import { childErrors, deploySteps } from "./deploy.ts";
import { CompositeSession, Phase, putLinkBack } from "./composite_session.ts";
import { CompositeStream } from "./composite_stream.ts";
import type { EventReader, WatchOptions } from "../session/mod.ts";
import { Health } from "./health.ts";
import { failures, Faults } from "./faults.ts";
import { checkSessionId } from "./node_manager.ts";
import { ChildSet } from "./child_set.ts";
import {
  appendDirect,
  appendLight,
  commitDirect,
  DirectSend,
  placeDrops,
  type Placement,
} from "./direct_append.ts";
import { appendInParts } from "./send.ts";
import { needsPlacing } from "./placement.ts";
import { placeAtIsland, placeAtMaster, sessionNodes } from "./place_append.ts";
import {
  type ClassTable,
  graphItems,
  normalizeSpec,
  parseJson,
  rawEntries,
  rawValue,
  readGraph,
  timeSlices,
} from "../graph/mod.ts";
import { DropClasses } from "../apps/mod.ts";
import type { DropManager, SessionDetails, SessionSummary } from "./types.ts";

export interface CompositeOptions {
  /** `node` for an island, `island` for a master. */
  attr: "node" | "island";
  /** Children as node strings. */
  children: string[];
  /** Seconds between health checks of the children (default 2). */
  checkPeriod?: number;
  /** Seconds without an answer before a child is down (default 10). */
  childTimeout?: number;
  /** How this manager reaches its children and nodes; shared by all its clients. */
  transport?: Transport;
  /** The Drop classes specs are checked against (default: the built-in ones). */
  classes?: ClassTable;
}

/** Specs split and recorded at a time by an island's append (a few ms each). */
const SPLIT_BATCH = 4096;
const encoder = new TextEncoder();

export class CompositeManager implements DropManager {
  readonly kind: "island" | "master";
  readonly attr: "node" | "island";
  readonly childSet: ChildSet;
  #sessions = new Map<string, CompositeSession>();
  #health: Health;
  #classes: ClassTable;
  #childTimeoutMs: number;
  #faults: Faults;

  constructor(o: CompositeOptions) {
    this.attr = o.attr;
    this.kind = o.attr === "node" ? "island" : "master";
    this.#classes = o.classes ?? new DropClasses();
    this.childSet = new ChildSet(o.attr, o.transport);
    for (const c of o.children) this.childSet.add(c);
    this.#childTimeoutMs = (o.childTimeout ?? 10) * 1000;
    this.#faults = new Faults(() => this.#sessions.values(), (node) => this.#reachNode(node));
    this.#health = new Health({
      children: () => this.childSet.list,
      periodMs: (o.checkPeriod ?? 2) * 1000,
      childTimeoutMs: this.#childTimeoutMs,
      onAnswer: (c, list, started) => this.#faults.answered(c, list, started),
      onDown: (c, err) => this.#faults.down(c, err),
      onBack: (c) => this.#faults.back(c),
    });
  }

  /**
   * Where this tier delivers events a node gave up: a master to any node (it appends to nodes
   * directly), an island to its own nodes that answer (others are its master's to reach).
   */
  #reachNode(node: string): NodeManagerClient | undefined {
    try {
      if (this.attr === "island") return this.childSet.nodeClient(node).client;
      const key = parseNode(node).key;
      const c = this.children.find((x) => x.ref.key === key);
      return c && !c.down ? c.client : undefined;
    } catch {
      return undefined; // not a node string: nothing to deliver to
    }
  }

  /** The children (as a list; `childSet` manages them). */
  get children(): readonly Child[] {
    return this.childSet.list;
  }

  get(sessionId: string): CompositeSession {
    const s = this.#sessions.get(sessionId);
    if (!s) throw noSession(sessionId);
    return s;
  }

  /** 555 at once when a child of the session has failed. */
  #alive(s: CompositeSession): void {
    if (s.failed.size) throw subManagerError(Object.fromEntries(s.failed));
  }

  info(): unknown {
    return { hosts: this.children.map((c) => c.name), sessionIds: [...this.#sessions.keys()] };
  }

  async createSession(sessionId: string): Promise<void> {
    checkSessionId(sessionId);
    if (this.#sessions.has(sessionId)) throw sessionExists(sessionId);
    // Children known to be down are left out: new sessions run on what is alive.
    const children = this.children.filter((c) => !c.down);
    const s = new CompositeSession(sessionId, children);
    this.#faults.follow(s);
    this.#sessions.set(sessionId, s);
    const r = await fanOut(children, (c) => c.client.createSession(sessionId));
    if (r.failed) {
      this.#sessions.delete(sessionId);
      const made = children.filter((c) => r.ok.has(c.name));
      await fanOut(made, (c) => c.client.destroySession(sessionId));
      throw subManagerError(r.errors);
    }
  }

  async sessions(): Promise<SessionSummary[]> {
    // Quick: a parent's health check asks this too. A child slower than a third of
    // --child-timeout shows what it last said.
    const depth = this.attr === "node" ? 1 : 2;
    const timeoutMs = Math.min(STATUS_MS * depth, this.#childTimeoutMs / 3);
    const r = await fanOut(
      this.children.filter((c) => !c.down),
      (c) => c.status.request<SessionSummary[]>("GET", SESSIONS_PATH, { timeoutMs }),
    );
    const byChild = new Map<string, Map<string, SessionSummary>>();
    for (const [name, list] of r.ok) {
      byChild.set(name, new Map(list.map((x) => [x.sessionId, x])));
    }
    return [...this.#sessions.values()].map((s) => {
      const status: Record<string, unknown> = {};
      let size = 0;
      // Started when the first child started; finished when the last one did.
      let started: number | undefined, finished: number | undefined = 0;
      for (const c of s.children) {
        const got = byChild.get(c.name)?.get(s.id);
        status[c.name] = s.statusOf(c, got);
        size += got?.size ?? 0;
        if (got?.started !== undefined) started = Math.min(started ?? got.started, got.started);
        finished = got?.finished === undefined || finished === undefined
          ? undefined
          : Math.max(finished, got.finished);
      }
      return {
        sessionId: s.id,
        status,
        size,
        ...(started === undefined ? {} : { started }),
        ...(finished && started !== undefined ? { finished } : {}),
        ...(s.lost ? { lost: s.lost } : {}),
        ...(s.lost && s.lostEvents.length ? { lostEvents: s.lostEvents } : {}),
      };
    });
  }

  /**
   * Run `fn` on the session's children. An unreachable child holding none of its Drops is
   * marked down and skipped; any other failure is a SubManagerException.
   */
  async #run<T>(s: CompositeSession, fn: (c: Child) => Promise<T>): Promise<Map<string, T>> {
    const r = await fanOut(s.targets(), fn);
    const errors = childErrors(s, r);
    if (Object.keys(errors).length) throw subManagerError(errors);
    return r.ok;
  }

  /**
   * Ask the session's children. A child that no longer has the session fails it (unless its
   * part was over); one that does not answer shows as it last did until the health checks
   * call it down.
   */
  async #statusMap<T>(s: CompositeSession, fn: (c: Child) => Promise<T>) {
    // A child already failed (or down) is not asked again: status answers stay fast.
    const ask = s.children.filter((c) => !s.failed.has(c.name) && !c.down);
    const r = await fanOut(ask, fn);
    for (const c of ask) {
      if (r.errors[c.name]?.type === "NoSessionException") s.fail(c, r.errors[c.name]!);
    }
    return r;
  }

  async session(sessionId: string, graph = true): Promise<SessionDetails> {
    const s = this.get(sessionId);
    const r = await this.#statusMap(s, (c) => c.status.session(sessionId, graph));
    const status: Record<string, unknown> = {};
    const specs: Record<string, unknown> = {};
    const dir: Record<string, unknown> = {};
    const errors: string[] = [];
    for (const c of s.children) {
      const got = r.ok.get(c.name) as (SessionDetails & { error?: unknown }) | undefined;
      if (typeof got?.error === "string") errors.push(`${c.name}: ${got.error}`);
      status[c.name] = s.statusOf(c, got);
      if (got) {
        Object.assign(specs, got.graph);
        dir[c.name] = got.dir;
      }
    }
    // Links cut at append go back in; a master's islands have put back those it cut.
    if (this.attr === "node" && graph) s.putBack(specs);
    const out: SessionDetails & { error?: string } = { status, graph: specs, dir };
    // A child's error may also be why the session broke here (`lost`): said once.
    const all = new Set([...failures(s), ...errors]);
    if (all.size) out.error = [...all].join("; ");
    return out;
  }

  async deleteSession(sessionId: string): Promise<void> {
    const s = this.get(sessionId);
    this.#sessions.delete(sessionId);
    // Readers learn the end as a node's do: what ran is CANCELLED, then the stream ends.
    if (s.phase >= Phase.DEPLOYING) {
      s.stream?.deleted();
      s.states?.deleted();
    }
    s.stream?.close();
    s.states?.close();
    // A child that is down deletes its part once it is back.
    for (const c of s.children) if (c.down) c.pendingDeletes.add(sessionId);
    const live = s.children.filter((c) => !c.down);
    const r = await fanOut(live, (c) => c.client.destroySession(sessionId));
    for (const c of live) {
      if (r.errors[c.name]?.type === "RestClientException") c.pendingDeletes.add(sessionId);
    }
    const errors = Object.entries(r.errors).filter(([name, e]) =>
      e.type !== "NoSessionException" && !s.failed.has(name)
    );
    if (errors.length) throw subManagerError(Object.fromEntries(errors));
  }

  async sessionStatus(sessionId: string): Promise<unknown> {
    const s = this.get(sessionId);
    const r = await this.#statusMap(s, (c) => c.status.sessionStatus(sessionId));
    const out: Record<string, unknown> = {};
    for (const c of s.children) {
      out[c.name] = s.statusOf(c, r.ok.has(c.name) ? { status: r.ok.get(c.name) } : undefined);
    }
    return out;
  }

  async sessionDir(sessionId: string): Promise<unknown> {
    const s = this.get(sessionId);
    const r = await all(s.children, (c) => c.client.sessionDir(s.id));
    return { dir: Object.fromEntries(r) };
  }

  /** The session, if `route` may change its graph (PRISTINE or BUILDING, no child failed). */
  #building(sessionId: string, route = "graph/append"): CompositeSession {
    const s = this.get(sessionId);
    if (s.phase !== Phase.PRISTINE && s.phase !== Phase.BUILDING) {
      throw invalidState(`Session ${sessionId} is deployed; ${route} needs PRISTINE or BUILDING`);
    }
    this.#alive(s);
    return s;
  }

  /**
   * A master's `graph/append` from the body's bytes: only the keys it routes by are read (no
   * full parse), and each spec goes to its node as received. Anything refused, here or on a
   * node, is read again in full, so errors are those of `append` (400 naming the Drop for a
   * bad spec; 555 with the nodes' errors for what only a node can tell).
   */
  appendBytes(sessionId: string, bytes: Uint8Array): Promise<void> {
    const s = this.get(sessionId);
    return s.serially(() => this.#appendBytes(sessionId, bytes));
  }

  async #appendBytes(sessionId: string, bytes: Uint8Array): Promise<void> {
    const s = this.#building(sessionId);
    const full = () => graphItems(parseJson(bytes));
    if (this.attr !== "island") return await this.#append(sessionId, await readGraph(bytes));
    const r = await appendLight(bytes, {
      classes: this.#classes,
      send: new DirectSend(s.id, (n) => this.childSet.nodeBulk(n)),
      commit: (items, send) => commitDirect(this.childSet, s, items, send),
    });
    if (r === "refused") return await this.#append(sessionId, full());
    if (!r) return;
    full().forEach((item, i) => normalizeSpec(item, i, this.#classes));
    throw subManagerError(r);
  }

  append(sessionId: string, items: Record<string, unknown>[]): Promise<void> {
    return this.get(sessionId).serially(() => this.#append(sessionId, items));
  }

  async #append(sessionId: string, items: Record<string, unknown>[]): Promise<void> {
    const s = this.#building(sessionId);
    // The same spec checks as a node's (class, parameters, links), so a bad graph is a 400
    // naming the Drop at every tier; only node-specific checks (paths) come back as 555.
    // In time slices: a big append (a 10 MB gzip body holds ~300k Drops) leaves the loop in.
    const slices = timeSlices();
    for (let i = 0; i < items.length; i++) {
      normalizeSpec(items[i]!, i, this.#classes);
      if (slices.due()) await slices.next();
    }
    await this.#place(s, items);
    if (this.attr === "island") return await appendDirect(this.childSet, s, items);
    // Split and recorded batch after batch (each sees those before it), before sending, so a
    // concurrent append sees these Drops; all undone on failure.
    const undos: (() => void)[] = [];
    const undo = () => undos.reverse().forEach((u) => u());
    const byChild: Record<string, unknown>[][] = s.children.map(() => []);
    try {
      for (let at = 0; at < items.length; at += SPLIT_BATCH) {
        const batch = items.slice(at, at + SPLIT_BATCH);
        const split = this.childSet.split(s.children, batch, { state: s, edges: s.checksCycles });
        undos.push(s.commit(split));
        split.parts.forEach((p, i) => byChild[i]!.push(...p));
        if (slices.due()) await slices.next();
      }
    } catch (e) {
      undo();
      throw e;
    }
    const targets = s.children.filter((_, i) => byChild[i]!.length > 0);
    const parts = new Map(s.children.map((c, i) => [c.name, byChild[i]!]));
    const r = await fanOut(targets, (c) => appendInParts(c.bulk, sessionId, parts.get(c.name)!));
    if (r.failed) {
      // All or nothing: take this batch back from every child (a refused child may have taken
      // some parts; removing OIDs a child does not hold is a no-op).
      await fanOut(
        targets,
        (c) => c.client.removeDrops(sessionId, parts.get(c.name)!.map((x) => x.oid as string)),
      );
      undo();
      throw subManagerError(r.errors);
    }
  }

  /** Fill `node` (and `island` at a master) where the graph leaves them to us. */
  async #place(s: CompositeSession, items: Record<string, unknown>[]): Promise<void> {
    const attrs = this.attr === "node" ? ["node"] : ["island", "node"];
    if (!needsPlacing(items, attrs)) return;
    // Live: up, and (an island's node) still registered.
    const live = s.children.filter((c) => !c.down && this.children.includes(c));
    if (this.attr === "node") return placeAtIsland(s, live, items);
    await placeAtMaster(s, live, items, (c) => sessionNodes(c, s.id));
  }

  /**
   * `graph/placement` at an island: Drops its master appended straight to its nodes (their OIDs
   * by node, no specs), recorded so that status, failures, removal and Drop reads find them, and
   * `GET .../graph` shows the links between nodes (`cut`) the master took out.
   */
  place(sessionId: string, placed: Placement): void {
    placeDrops(this.childSet, this.#building(sessionId, "graph/placement"), placed);
  }

  async removeDrops(sessionId: string, oids: string[]): Promise<void> {
    const s = this.get(sessionId);
    if (s.phase !== Phase.PRISTINE && s.phase !== Phase.BUILDING) {
      throw invalidState(`Session ${sessionId} is deployed; graph/remove needs BUILDING`);
    }
    const owner = (oid: string) => s.children[s.owners.get(oid)?.part ?? -1];
    const byPart = Map.groupBy(oids.filter(owner), (oid) => owner(oid)!);
    await all([...byPart.keys()], (c) => c.client.removeDrops(sessionId, byPart.get(c)!));
    s.forget(new Set(oids));
  }

  async deploy(sessionId: string, completed: string[]): Promise<void> {
    const s = this.get(sessionId);
    await s.appended; // a deploy sent right after its appends waits for them to be read
    const empty = s.empty;
    if (s.phase !== Phase.BUILDING && !(s.phase === Phase.PRISTINE && empty)) {
      throw invalidState(`Session ${sessionId} is already deployed; deploy needs BUILDING`);
    }
    this.#alive(s);
    const byUid = s.byUid();
    const missing = completed.filter((u) => !byUid(u));
    if (missing.length) {
      throw invalidGraph(`UIDs for completed drops not found: ${missing.join(", ")}`);
    }
    // A link still waiting for its Drop never gets one: specs reach a tier only from its user
    // (a master sends its islands placements, no links), so it sees every Drop they name.
    if (s.pending.size) {
      const missing = [...s.pending].slice(0, 5).map(([oid, w]) =>
        `Drop ${w[0]!.from} lists ${oid} in ${w[0]!.key}, but no such Drop`
      );
      throw invalidGraph(missing.join("; "));
    }
    // A cycle, across nodes or not, before any child deploys: the session stays as it is.
    const cycle = s.findCycle();
    if (cycle !== undefined) throw invalidGraph(`the graph has a cycle through Drop ${cycle}`);
    s.phase = Phase.DEPLOYING;
    let errors: Record<string, ChildError>;
    const steps = deploySteps(this.childSet, s, { completed, byUid });
    s.deploying = steps.then(() => {}, () => {});
    try {
      errors = await steps;
    } finally {
      s.deployed();
    }
    if (Object.keys(errors).length === 0) return;
    // The session is FAILED here with the children's errors; what started elsewhere stops.
    for (const [name, e] of Object.entries(errors)) {
      const c = s.children.find((x) => x.name === name);
      if (c) s.fail(c, e, true);
    }
    await this.#faults.cancelRest(s);
    throw subManagerError(errors);
  }

  async cancel(sessionId: string): Promise<void> {
    const s = this.get(sessionId);
    if (s.phase < Phase.DEPLOYING) {
      throw invalidState(`Session ${sessionId} is not running; cancel needs RUNNING`);
    }
    // After a deploy in progress (parts still BUILDING would refuse it, then start), to every
    // child that answers, failed or not (a returning child's part is cancelled by the health
    // checks).
    await s.deploying;
    const live = s.children.filter((c) => !c.down);
    const r = await fanOut(live, (c) => c.client.cancelSession(sessionId));
    const errors = Object.entries(r.errors).filter(([name]) => !s.failed.has(name));
    const wrongState = errors.filter(([, e]) => e.type === "InvalidSessionState");
    const asked = live.filter((c) => !s.failed.has(c.name)).length;
    if (asked > 0 && wrongState.length === asked) {
      throw invalidState(`Session ${sessionId} is not running on any child; cancel needs RUNNING`);
    }
    const real = errors.filter(([, e]) => e.type !== "InvalidSessionState");
    if (real.length) throw subManagerError(Object.fromEntries(real));
  }

  async graph(sessionId: string): Promise<Record<string, unknown>> {
    const s = this.get(sessionId);
    const r = await this.#run(s, (c) => c.bulk.graph(sessionId));
    const out: Record<string, unknown> = {};
    for (const g of r.values()) Object.assign(out, g);
    if (this.attr === "node") s.putBack(out);
    return out;
  }

  async graphStatus(sessionId: string): Promise<Record<string, unknown>> {
    const s = this.#deployed(sessionId);
    const r = await this.#run(s, (c) => c.client.graphStatus(sessionId));
    const out: Record<string, unknown> = {};
    for (const g of r.values()) Object.assign(out, g);
    return out;
  }

  /** Each child's `graph/status` answer, to be joined unparsed (a big session). */
  async graphStatusParts(sessionId: string): Promise<Uint8Array[][]> {
    const s = this.#deployed(sessionId);
    const path = sessionPath(sessionId, "/graph/status");
    return [...(await this.#run(s, (c) => c.bulk.bytes("GET", path))).values()].map((b) => [b]);
  }

  /** Each child's `graph` answer, to be joined unparsed (a big session). */
  graphParts(sessionId: string): Promise<Uint8Array[][]> {
    const s = this.get(sessionId);
    return this.#graphParts(s, (path) => this.#run(s, (c) => c.bulk.bytes("GET", path)));
  }

  /**
   * A big session's details, its `graph` as each child's answer to be joined unparsed (the
   * details are asked for without specs, the specs as `graph`). A child that does not answer is
   * left out, as in `session`.
   */
  async sessionParts(
    sessionId: string,
  ): Promise<{ details: SessionDetails; graphs: Uint8Array[][] }> {
    const s = this.get(sessionId);
    const [details, graphs] = await Promise.all([
      this.session(sessionId, false),
      this.#graphParts(s, async (path) => {
        return (await this.#statusMap(s, (c) => c.bulk.bytes("GET", path))).ok;
      }),
    ]);
    return { details, graphs };
  }

  /**
   * The children's `graph` answers as `ask` gets them, each as pieces of bytes. At an island
   * that cut links at append, the specs that held them are parsed, completed and written anew,
   * the rest forwarded as received; found in time slices (parsing whole answers held the loop
   * for 600 ms at 300k Drops).
   */
  async #graphParts(
    s: CompositeSession,
    ask: (path: string) => Promise<Map<string, Uint8Array>>,
  ): Promise<Uint8Array[][]> {
    const answers = [...(await ask(sessionPath(s.id, "/graph"))).values()];
    if (this.attr !== "node" || !s.removed.length) return answers.map((b) => [b]);
    const cut = s.cutLinks();
    const slices = timeSlices();
    const out: Uint8Array[][] = [];
    for (const b of answers) {
      const pieces: Uint8Array[] = [];
      let from = 0;
      for (const e of rawEntries(b)) {
        const links = cut.get(e.key);
        if (links) {
          const spec = rawValue(b, e.valueStart, e.end) as Record<string, unknown>;
          for (const [key, entry] of links) putLinkBack(spec, key, entry);
          pieces.push(b.subarray(from, e.valueStart), encoder.encode(JSON.stringify(spec)));
          from = e.end;
        }
        if (slices.due()) await slices.next();
      }
      pieces.push(b.subarray(from));
      out.push(pieces);
    }
    return out;
  }

  /** Drops in the session (as this tier recorded them). */
  sessionSize(sessionId: string): number {
    return this.get(sessionId).size;
  }

  #deployed(sessionId: string): CompositeSession {
    const s = this.get(sessionId);
    if (s.phase < Phase.DEPLOYING) {
      throw invalidState(
        `Session ${sessionId} is not deployed: ` +
          "The session is currently not running, cannot get graph status",
      );
    }
    this.#alive(s);
    return s;
  }

  async graphSize(sessionId: string): Promise<number> {
    const s = this.get(sessionId);
    const r = await this.#run(s, (c) => c.client.graphSize(sessionId));
    let n = 0;
    for (const v of r.values()) n += Number(v) || 0;
    return n;
  }

  #owner(s: CompositeSession, oid: string): Child {
    const o = s.owners.get(oid);
    const c = o && s.children[o.part];
    if (!c) throw noDrop(oid, `Drop ${oid} is not in session ${s.id}`);
    return c;
  }

  async dropInfo(sessionId: string, oid: string): Promise<unknown> {
    const s = this.get(sessionId);
    const c = this.#owner(s, oid);
    return (await all([c], (x) => x.client.dropStatus(sessionId, oid))).get(c.name);
  }

  async dropFile(sessionId: string, oid: string): Promise<{ filepath: string }> {
    const s = this.get(sessionId);
    const c = this.#owner(s, oid);
    return (await all([c], (x) => x.client.dropData(sessionId, oid))).get(c.name)!;
  }

  async watch(sessionId: string, lastId?: number, o: WatchOptions = {}): Promise<EventReader> {
    const s = this.get(sessionId);
    // A reader of state changes only (a log) does not make the children stream every Drop.
    let stream: CompositeStream;
    if (o.only === "session") stream = s.states ??= new CompositeStream(s, o);
    else {
      // After the end a new stream asks the children again: Drops still change (EXPIRED).
      if (s.stream?.ended) s.stream = new CompositeStream(s, {}, s.stream.lastId);
      stream = s.stream ??= new CompositeStream(s);
    }
    await stream.ready;
    await stream.complete();
    return stream.read(lastId);
  }

  async stop(): Promise<void> {
    for (const s of this.#sessions.values()) {
      s.stream?.close();
      s.states?.close();
    }
    await this.#health.stop();
    await this.#faults.stop();
  }
}
