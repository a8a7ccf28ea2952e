/**
 * A session: one physical graph's life, PRISTINE -> BUILDING -> DEPLOYING -> RUNNING ->
 * FINISHED/FAILED/CANCELLED, isolated from every other session.
 */
import {
  AppDrop,
  DataDrop,
  type Drop,
  type DropHost,
  DropStates,
  FileStore,
  isSessionOver,
  linkList,
  type LogLine,
  type PathCache,
  pathCache,
  sessionStateName,
  SessionStates,
} from "../drops/mod.ts";
import { invalidGraph, invalidState, noDrop } from "../errors/mod.ts";
import {
  alreadyInSession,
  appearsTwice,
  type ClassTable,
  type DropSpec,
  normalizeBatch,
  normalizeBatchSliced,
  specRaw,
  timeSlices,
} from "../graph/mod.ts";
import { type LinkKey, type LostEvents, MAX_LOST_EVENTS } from "../wire/mod.ts";
import { buildGraph, buildGraphSliced, type Built, DropIndex } from "./build.ts";
import { checkPaths } from "./paths.ts";
import { type ManagerEvents, SessionBus, type SessionChange } from "./events.ts";
import { EventLog, type EventReader } from "./event_log.ts";
import { Scheduler } from "./scheduler.ts";
import { type DropList, SLICED_SNAPSHOT_AT, SlicedSnapshot } from "./snapshot.ts";
import { Lifecycle, type LifecycleOptions } from "./lifecycle.ts";
import type { WorkerPool } from "../exec/mod.ts";

/** Which events a reader wants: all of them, or the session's state changes only. */
export interface WatchOptions {
  only?: "session";
}

export interface SessionOptions extends LifecycleOptions {
  /** The session directory (created by the manager). */
  dir: string;
  /** DLG_ROOT as apps see it. */
  root: string;
  /** The Drop classes specs are read against (the node's). */
  classes: ClassTable;
  /** The node's worker pool (module apps run there). */
  workers?: WorkerPool;
  /** An extra append-time check of each new spec (throws an HttpError); may fill in params. */
  checkSpec?: (spec: DropSpec) => void;
  /** Directories outside the session directory that file Drops may use. */
  allowedPaths?: readonly string[];
  /** The manager's fan-in of every session's events. */
  fanIn?: ManagerEvents;
  /** The session's links to Drops on other nodes, made for it (a node's rpc links). */
  links?: (session: Session) => RemoteLinks;
}

/** What a session needs of its links to Drops on other nodes. */
export interface RemoteLinks {
  /** Is `oid` a Drop on another node that local Drops may link to? */
  has(oid: string): boolean;
  /** Deploy time: wire the links into the freshly built local graph (`dropByUid` finds it). */
  attach(): void;
}

/**
 * Batches up to this many specs are checked in one go; larger ones in time slices. A `dlg
 * submit` part (1 MiB) holds up to ~10k specs of the smallest kind (translator specs: a few
 * hundred), about 30 ms of work on the benchmark VM: in one go it saves the slices' turns (~2.3
 * ms each) and keeps its transient objects from surviving them (a 1M-Drop append 3.5-4.4 -> 3.2-3.3 s).
 */
const SYNC_APPEND = 12_000;

/** Sessions with this many Drops are cancelled in time slices. */
const SLICED_CANCEL_AT = 20_000;

/** Graphs up to this many Drops are built in one go (about 60 ms on the benchmark VM). */
const SYNC_DEPLOY = 20_000;

const { PRISTINE, BUILDING, DEPLOYING, RUNNING, FINISHED, CANCELLED, FAILED } = SessionStates;

export class Session implements DropHost {
  readonly sessionId: string;
  readonly dir: string;
  readonly root: string;
  readonly workers: WorkerPool | undefined;
  #classes: ClassTable;
  /** Every state change and log line of this session, published once. */
  readonly bus: SessionBus;
  #checkSpec: ((spec: DropSpec) => void) | undefined;
  #status: number = PRISTINE;
  /** When the deploy began and when the session ended (ms since the epoch), for the web UI. */
  startedAt: number | undefined;
  finishedAt: number | undefined;
  #specs = new Map<string, DropSpec>();
  /** `#specByUid`'s index, made on first use after the specs change. */
  #otherUids: Map<string, DropSpec> | undefined;
  #drops: DropIndex | null = null;
  #pendingLeaves = 0;
  /** An EndDROP is ending the session: the Drops it skips are said before the session's end. */
  #ending = false;
  #errors = 0;
  #error: string | undefined = undefined;
  /** Why the session broke down (not a Drop's failure), for parents to stop it elsewhere. */
  #lost: string | undefined = undefined;
  /** The events given up, for a parent to deliver in this node's place (bounded by the sender). */
  #lostEvents: LostEvents[] = [];
  #scheduler = new Scheduler((app, e) => console.error(`app ${app.oid} crashed:`, e));
  #lifecycle: Lifecycle;
  /** What `GET .../events` readers see, made on the first one. */
  #log: EventLog | undefined;
  /** What `GET .../events?only=session` readers see. */
  #stateLog: EventLog | undefined;
  #allowedPaths: readonly string[];
  #links: RemoteLinks | undefined;
  /** Settles once the appends in flight (big ones, checked in slices) are done. */
  #ingesting: Promise<void> | undefined = undefined;

  constructor(sessionId: string, opts: SessionOptions) {
    this.sessionId = sessionId;
    this.dir = opts.dir;
    this.root = opts.root;
    this.workers = opts.workers;
    this.#classes = opts.classes;
    this.#checkSpec = opts.checkSpec;
    this.#allowedPaths = opts.allowedPaths ?? [];
    this.bus = new SessionBus(sessionId, opts.fanIn);
    this.#lifecycle = new Lifecycle(this.bus, opts);
    this.#links = opts.links?.(this);
  }

  get status(): number {
    return this.#status;
  }

  get allowedPaths(): readonly string[] {
    return this.#allowedPaths;
  }

  get size(): number {
    return this.#specs.size;
  }

  /** Why the session broke down (an event for another node never got there), if it did. */
  get lost(): string | undefined {
    return this.#lost;
  }

  /** Events for other nodes given up (with `lost`): the ERRORs their waiting Drops must hear. */
  get lostEvents(): readonly LostEvents[] {
    return this.#lostEvents;
  }

  /** The first failure reason (a Drop's error), once the session has one. */
  get error(): string | undefined {
    return this.#error;
  }

  #setStatus(s: number): void {
    if (this.#status === s) return;
    this.#status = s;
    if (s >= DEPLOYING) this.startedAt ??= Date.now();
    if (s >= FINISHED) this.finishedAt ??= Date.now();
    this.bus.session(this.#sessionChange());
  }

  #stateError(action: string, allowed: string): Error {
    return invalidState(
      `Session ${this.sessionId} is ${sessionStateName(this.#status)}; ${action} needs ${allowed}`,
    );
  }

  /**
   * Add Drop specs: all of the batch or none of it. A big batch is checked in time slices (the
   * event loop let in between) and appends run one at a time, each committed only once checked.
   * `owned`: nothing else holds `items` (parsed from a body here), so their one-OID link lists
   * may be kept as the OID (`compactLinks`).
   */
  append(items: Record<string, unknown>[], owned = false): void | Promise<void> {
    this.#checkAppendable();
    if (items.length <= SYNC_APPEND && !this.#ingesting) {
      this.#commit(normalizeBatch(items, this.#classes, owned));
      return;
    }
    const mine = (this.#ingesting ?? Promise.resolve()).then(async () => {
      this.#checkAppendable();
      const paths = pathCache(true);
      const check = (specs: DropSpec[]) => this.#checkSpecs(specs, paths);
      const specs = await normalizeBatchSliced(items, this.#classes, check, owned);
      // Checked: now it all goes in, in slices too (deploy is refused until #ingesting settles).
      this.#checkAppendable();
      const slices = timeSlices();
      this.#otherUids = undefined;
      for (let i = 0; i < specs.length; i++) {
        this.#put(specs, i);
        if ((i & 1023) === 1023 && slices.due()) await slices.next();
      }
      this.#setStatus(BUILDING);
    });
    const done: Promise<void> = mine.then(
      () => {},
      () => {},
    ).then(() => {
      if (this.#ingesting === done) this.#ingesting = undefined;
    });
    this.#ingesting = done;
    // Settled once the session takes the next append or a deploy again.
    return done.then(() => mine);
  }

  #checkAppendable(): void {
    if (this.#status !== PRISTINE && this.#status !== BUILDING) {
      throw this.#stateError("graph/append", "PRISTINE or BUILDING");
    }
  }

  #checkSpecs(specs: DropSpec[], paths?: PathCache): void {
    checkPaths(specs, this.dir, this.#allowedPaths, paths);
    if (this.#checkSpec) { for (const s of specs) this.#checkSpec(s); }
  }

  #commit(specs: DropSpec[]): void {
    this.#checkSpecs(specs);
    this.#otherUids = undefined;
    for (let i = 0; i < specs.length; i++) this.#put(specs, i);
    this.#setStatus(BUILDING);
  }

  /**
   * Commit `specs[i]`: one operation in a map of maybe millions. A `getOrInsert` that does not
   * grow the map found a repeat, of an earlier spec of this batch or of one already in the
   * session (left as it was); either way what of the batch went in is taken out again.
   */
  #put(specs: DropSpec[], i: number): void {
    const s = specs[i]!;
    const n = this.#specs.size;
    this.#specs.getOrInsert(s.oid, s);
    if (this.#specs.size !== n) return;
    let inBatch = false;
    for (let j = 0; j < i; j++) {
      const oid = specs[j]!.oid;
      inBatch ||= oid === s.oid;
      this.#specs.delete(oid);
    }
    throw inBatch ? appearsTwice(s.oid) : alreadyInSession(s.oid);
  }

  /** Take Drop specs out again (a composite manager undoing a batch another child refused). */
  remove(oids: string[]): number {
    if (this.#status !== PRISTINE && this.#status !== BUILDING) {
      throw this.#stateError("graph/remove", "PRISTINE or BUILDING");
    }
    let n = 0;
    this.#otherUids = undefined;
    for (const oid of oids) if (this.#specs.delete(oid)) n++;
    if (this.#specs.size === 0) this.#setStatus(PRISTINE);
    return n;
  }

  /** Add `rhs` to the `key` link list of `lhs`'s spec (`graph/link`). */
  link(lhs: string, rhs: string, key: LinkKey): void {
    if (this.#status !== BUILDING) throw this.#stateError("graph/link", "BUILDING");
    const spec = this.#specs.get(lhs);
    if (!spec) throw invalidGraph(`Drop ${lhs} is not in session ${this.sessionId}`);
    const list = linkList(spec.links[key]);
    if (!list.includes(rhs)) spec.links[key] = [...list, rhs];
    if (spec.links === spec.raw) return; // one object, the list written once
    const raw = spec.raw[key];
    spec.raw[key] = Array.isArray(raw) ? [...raw, rhs] : [rhs];
  }

  /**
   * Create the Drops, then complete (data) or start (apps) the `completed` roots. A graph of
   * more than SYNC_DEPLOY Drops is built in time slices (the event loop let in between).
   */
  deploy(completed: string[]): void | Promise<void> {
    if (this.#ingesting) {
      throw invalidState(`Session ${this.sessionId} is still checking an append; deploy after it`);
    }
    if (this.#status === PRISTINE && this.#specs.size === 0) {
      if (completed.length) {
        throw invalidGraph(`cannot complete ${completed.join(", ")}: the graph is empty`);
      }
      this.#drops = new DropIndex(this.#specs);
      this.#setStatus(FINISHED);
      return;
    }
    if (this.#status !== BUILDING) throw this.#stateError("deploy", "BUILDING");
    this.#setStatus(DEPLOYING);
    const links = this.#links;
    const isRemote = (oid: string) => links?.has(oid) ?? false;
    const failed = (e: unknown): never => {
      if (this.#status === DEPLOYING) this.#setStatus(BUILDING);
      throw e;
    };
    if (this.#specs.size <= SYNC_DEPLOY) {
      let built;
      try {
        built = buildGraph(this.#specs, this, isRemote);
      } catch (e) {
        return failed(e);
      }
      return this.#start(built, completed);
    }
    return buildGraphSliced(this.#specs, this, isRemote).then(
      (built) => this.#start(built, completed),
      failed,
    );
  }

  /** The built graph runs: proxies wired, roots triggered. */
  #start(built: Built, completed: string[]): void {
    // Cancelled or broken down while a sliced build ran: the graph was never deployed.
    if (this.#status !== DEPLOYING) return;
    this.#drops = built.drops;
    this.#pendingLeaves = built.leaves;
    this.#links?.attach();
    this.#setStatus(RUNNING);
    this.#lifecycle.start();
    this.trigger(completed);
    if (this.#pendingLeaves === 0 && this.status === RUNNING) this.#finish();
  }

  /** Complete data Drops and start apps by UID; unknown UIDs are ignored, as DALiuGE does. */
  trigger(uids: string[]): void {
    if (this.#status === FAILED || this.#status === CANCELLED) return;
    for (const uid of uids) {
      const d = this.dropByUid(uid);
      if (!d) continue;
      // Only roots: completing a Drop whose producer runs (here or on another node) would let
      // its consumers run on data nobody wrote (DESIGN §8: trigger is checked, not trusted).
      if (!isRoot(d)) {
        d.log("WARNING", `trigger ignored: ${d.oid} is not a root (it has producers or inputs)`);
      } else if (d instanceof AppDrop) d.trigger();
      else if (d instanceof DataDrop) completeRoot(d);
    }
  }

  /** Cancel every Drop not yet finished (a big session in time slices: then a promise). */
  cancel(): void | Promise<void> {
    if (this.#status !== RUNNING && this.#status !== CANCELLED && this.#status !== DEPLOYING) {
      throw this.#stateError("cancel", "RUNNING");
    }
    // CANCELLED first (the Drops cancelled below must not finish the session), but said after
    // them: the stream ends with the session event, and their changes must come before it.
    const was = this.#status;
    this.#status = CANCELLED;
    this.finishedAt ??= Date.now();
    this.#scheduler.stop();
    return whenDone(this.#cancelDrops(), () => {
      if (was !== CANCELLED) this.bus.session(this.#sessionChange());
    });
  }

  /**
   * Every Drop not finished, cancelled. From SLICED_CANCEL_AT Drops on, in time slices (a
   * million cancels held the loop for seconds): the returned promise settles when all are.
   */
  #cancelDrops(): void | Promise<void> {
    const drops = this.#drops;
    if (!drops) return;
    if (drops.size < SLICED_CANCEL_AT) {
      for (const d of drops.values()) (d as AppDrop | DataDrop).cancel();
      return;
    }
    return (async () => {
      const slices = timeSlices();
      let i = 0;
      for (const d of drops.values()) {
        (d as AppDrop | DataDrop).cancel();
        if (++i % 256 === 0 && slices.due()) await slices.next();
      }
    })();
  }

  /**
   * The session cannot go on here (an event for another node could not be delivered): what is
   * left is cancelled and the session ends FAILED with `why`, said as `lost` so that a parent
   * also stops its parts on other nodes, where Drops would otherwise wait for ever. `lost`:
   * the events given up, which the parent delivers as ERRORs to the node that waits for them.
   */
  breakDown(why: string, lost?: LostEvents): void {
    // A bounded number in all: the rest of what waits there is cancelled, never left waiting.
    const room = MAX_LOST_EVENTS - this.#lostEvents.reduce((n, l) => n + l.events.length, 0);
    if (lost && room > 0) this.#lostEvents.push({ ...lost, events: lost.events.slice(0, room) });
    if (this.#status === FINISHED) {
      // Over here already, but a Drop elsewhere waits for what never came: said in the
      // session's summary, where the parent's health checks read it and stop the rest.
      this.#lost ??= why;
      return;
    }
    if (this.#status !== RUNNING && this.#status !== DEPLOYING) return;
    this.#error ??= why;
    this.#lost = why;
    this.#status = FAILED;
    this.finishedAt ??= Date.now();
    this.#scheduler.stop();
    whenDone(this.#cancelDrops(), () => this.bus.session(this.#sessionChange()));
  }

  /** Stop timers and running work; the session is being deleted or the manager stops. */
  dispose(): void | Promise<void> {
    const cancelling = this.#status === RUNNING || this.#status === DEPLOYING
      ? this.cancel()
      : undefined;
    this.#scheduler.stop();
    this.#lifecycle.stop();
    return whenDone(cancelling, () => {
      this.bus.close();
      this.#log?.close();
      this.#stateLog?.close();
    });
  }

  /**
   * The session's event stream from `lastId` on (DESIGN §7); with `only: "session"`, its state
   * changes alone (what a parent's log follows: no Drop change is batched for it).
   */
  watch(lastId?: number, o: WatchOptions = {}): EventReader {
    const states = o.only === "session";
    const log = states
      ? this.#stateLog ??= this.#openLog(false)
      : this.#log ??= this.#openLog(true);
    const drops = () => states || !this.#drops ? {} : this.graphStatus();
    return log.read(() => {
      // A big session's states are captured now and written in slices (snapshot.ts).
      if (!states && this.#drops && this.#drops.size >= SLICED_SNAPSHOT_AT) {
        return new SlicedSnapshot(this.#sessionChange(), this.#drops);
      }
      return { ...this.#sessionChange(), drops: drops() };
    }, lastId);
  }

  /** A log fed by the bus (`all` events, or state changes only), ended by the terminal state. */
  #openLog(all: boolean): EventLog {
    const log = new EventLog();
    const session = (change: SessionChange) => {
      log.push("session", change);
      if (isSessionOver(change.status)) log.end();
    };
    if (all) {
      this.bus.subscribe((e) =>
        e.event === "session" ? session(e.data) : log.push(e.event, e.data)
      );
    } else this.bus.onSession(session);
    if (isSessionOver(this.#status)) session(this.#sessionChange());
    return log;
  }

  #sessionChange(): { status: number; error?: string; lost?: string; lostEvents?: LostEvents[] } {
    const s = this.#status;
    if (s !== FAILED || !this.#error) return { status: s };
    const lost = this.#lost ? { lost: this.#lost, lostEvents: this.#lostEvents } : {};
    return { status: s, error: this.#error, ...lost };
  }

  /** The deployed Drop with UID `uid`. */
  dropByUid(uid: string): Drop | undefined {
    return this.#drops ? this.#specByUid(uid)?.drop as Drop | undefined : undefined;
  }

  /** The stored graph, `{oid: spec}`. */
  graph(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [oid, s] of this.#specs) out[oid] = specRaw(s);
    return out;
  }

  specs(): ReadonlyMap<string, DropSpec> {
    return this.#specs;
  }

  /** Is a Drop with this UID in the session (specs, deployed or not)? */
  hasUid(uid: string): boolean {
    return this.#specByUid(uid) !== undefined;
  }

  /** The spec with UID `uid`: by its OID when they are equal (mostly), else `#otherUids`. */
  #specByUid(uid: string): DropSpec | undefined {
    const s = this.#specs.get(uid);
    if (s?.uid === uid) return s;
    // UIDs that differ from their OID, indexed once per change of the specs (rarely any).
    if (!this.#otherUids) {
      this.#otherUids = new Map();
      for (const s of this.#specs.values()) if (s.uid !== s.oid) this.#otherUids.set(s.uid, s);
    }
    return this.#otherUids.get(uid);
  }

  /** The Drops by OID once deployed (read by sliced writers of `graph/status`). */
  get drops(): DropList | undefined {
    return this.#drops ?? undefined;
  }

  /** `{oid: {status, execStatus?}}`, once deployed. */
  graphStatus(): Record<string, { status: number; execStatus?: number }> {
    if (!this.#drops) {
      throw invalidState(
        `Session ${this.sessionId} is ${sessionStateName(this.#status)}: ` +
          "The session is currently not running, cannot get graph status",
      );
    }
    const out: Record<string, { status: number; execStatus?: number }> = {};
    for (const d of this.#drops.values()) {
      out[d.oid] = d instanceof AppDrop
        ? { status: d.status, execStatus: d.execStatus }
        : { status: d.status };
    }
    return out;
  }

  drop(oid: string): Drop {
    const d = this.#drops?.get(oid);
    if (!d) {
      const why = this.#specs.has(oid)
        ? `Drop ${oid} is not created yet: session ${this.sessionId} is ${
          sessionStateName(this.#status)
        }`
        : `Drop ${oid} is not in session ${this.sessionId}`;
      throw noDrop(oid, why);
    }
    return d;
  }

  // DropHost

  changed(drop: Drop, prev: number): void {
    const s = drop.status;
    // Published first: a reader sees the Drop's change before the session end it causes.
    this.bus.drop(drop, prev, drop instanceof AppDrop ? drop.execStatus : undefined);
    if (prev < DropStates.COMPLETED && s >= DropStates.COMPLETED) {
      if (s === DropStates.ERROR && this.#errors++ === 0) {
        this.#error = `Drop ${drop.oid} failed: ${drop.error ?? "no reason given"}`;
      }
      if (drop.leaf && --this.#pendingLeaves === 0 && this.#status === RUNNING && !this.#ending) {
        this.#finish();
      }
      if (drop instanceof DataDrop && drop.isEnd && s === DropStates.COMPLETED) this.#end();
    }
  }

  logged(drop: Drop, line: LogLine): void {
    this.bus.log(drop, line);
  }

  /** DALiuGE fails a deploy when a Drop cannot be made: here the session stops FAILED. */
  cannotRun(app: AppDrop, why: string): void {
    this.breakDown(`app ${app.oid} cannot run: ${why}`);
  }

  ready(app: AppDrop): void {
    if (this.#status === RUNNING && !this.#ending) this.#scheduler.push(app);
  }

  #finish(): void {
    this.#setStatus(this.#errors > 0 ? FAILED : FINISHED);
  }

  /** An EndDROP completed: skip everything not yet started, and finish. */
  #end(): void {
    if (this.#status !== RUNNING) return;
    this.#ending = true; // skipped Drops are published before the session's end
    for (const d of this.#drops?.values() ?? []) {
      if (d.status === DropStates.INITIALIZED || d.status === DropStates.WRITING) {
        if (d instanceof AppDrop) {
          if (d.execStatus === 0) d.skip();
        } else (d as DataDrop).skip();
      }
    }
    this.#setStatus(this.#errors > 0 ? FAILED : FINISHED);
  }
}

/** `then` run once `work` is over: at once for work done already (void), else after it. */
function whenDone(work: void | Promise<void>, then: () => void): void | Promise<void> {
  if (work) return work.then(then);
  then();
}

/** A Drop nothing produces or feeds: data without producers, an app without inputs. */
function isRoot(d: Drop): boolean {
  if (d instanceof DataDrop) return d.nProducers === 0;
  if (d instanceof AppDrop) {
    return d.inputLinks === undefined && d.streamingInputLinks === undefined;
  }
  return false;
}

/** Complete a data Drop named in `completed`; a file nobody produces must already exist. */
function completeRoot(d: DataDrop): void {
  if (d.nProducers === 0 && d.store instanceof FileStore && !d.store.exists()) {
    d.setError(
      `FileDROP ${d.oid}: ${d.store.path} does not exist; a FileDROP with no producer ` +
        "must name an existing file",
    );
  } else d.setCompleted();
}
