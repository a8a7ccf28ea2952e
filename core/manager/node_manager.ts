/** The Node Drop Manager: a collection of sessions that are created, fed, deployed and run. */
import {
  DropClasses,
  moduleAppChecker,
  PYFUNC_APP,
  PythonPool,
  type PythonPoolOptions,
} from "../apps/mod.ts";
import {
  AppDrop,
  appStateName,
  DataDrop,
  dropStateName,
  DropStates,
  sessionStateName,
  SessionStates,
} from "../drops/mod.ts";
import { badRequest, invalidState, noDrop, noSession, sessionExists } from "../errors/mod.ts";
import { WorkerPool } from "../exec/mod.ts";
import { className, type DropSpec, readGraph } from "../graph/mod.ts";
import { EventSender, SessionRemote } from "../rpc/mod.ts";
import {
  type EventReader,
  ManagerEvents,
  normalizePath,
  Session,
  type SessionOptions,
  type WatchOptions,
} from "../session/mod.ts";
import type { Transport } from "../client/mod.ts";
import type { WireEvent } from "../wire/mod.ts";
import type { DropManager, SessionDetails, SessionSummary } from "./types.ts";

/** A session and its links to Drops on other nodes (which the session made for itself). */
interface NodeSession {
  session: Session;
  remote: SessionRemote;
}

export interface NodeManagerOptions
  extends Pick<SessionOptions, "dlmCheckPeriod" | "dlmCleanupPeriod"> {
  /** Where session directories go. */
  workDir: string;
  /** DLG_ROOT as apps see it. */
  root?: string;
  /** Size of the worker pool (default: the number of cores). */
  maxThreads?: number;
  /** Directories besides the work dir that module apps may load modules from. */
  appRoots?: string[];
  /** The worker entry, when not beside core/exec/pool.ts (a bundle). */
  workerUrl?: URL | string;
  /** Directories outside session directories that file Drops may use (`--allow-path`). */
  allowedPaths?: string[];
  /** How this node reaches other nodes (events, Drop bytes); shared by all its clients. */
  transport?: Transport;
  /** The python3 workers PyFuncApp Drops run in (`--python`, `--py-workers`, `--py-path`). */
  python?: PythonPoolOptions;
  /** Milliseconds an event batch to another node is retried before it is given up. */
  eventRetry?: number;
}

/** Session ids become directory names: no separators, no dot-only names, nothing invisible. */
export function checkSessionId(id: unknown): string {
  if (typeof id !== "string" || !id) throw badRequest("sessionId must be a non-empty string");
  // A lone surrogate has no UTF-8 form: no URL could name the session afterwards.
  if (!id.isWellFormed()) throw badRequest(`sessionId ${JSON.stringify(id)} is not valid Unicode`);
  const bytes = new TextEncoder().encode(id).length;
  if (bytes > 200) throw badRequest(`sessionId is ${bytes} UTF-8 bytes long; at most 200`);
  // deno-lint-ignore no-control-regex
  if (/[/\\\x00-\x1f\x7f-\x9f]/.test(id) || id === "." || id === "..") {
    throw badRequest(
      `invalid sessionId ${JSON.stringify(id)}: no '/', '\\', control characters, '.' or '..'`,
    );
  }
  return id;
}

/** A spec of a PyFuncApp (the class its checks will look up). */
function needsPython(raw: Record<string, unknown>): boolean {
  return className(raw) === PYFUNC_APP;
}

export class NodeManager implements DropManager {
  readonly kind = "node" as const;
  readonly options: NodeManagerOptions;
  /** One pool per node, shared by its sessions; workers start on first use. */
  readonly workers: WorkerPool;
  #sessions = new Map<string, NodeSession>();
  /** Every session's events, for whoever watches the whole manager (metrics, logs). */
  readonly events = new ManagerEvents();
  /** Events to other nodes, batched. */
  readonly sender: EventSender;
  /** The node's python3 workers, started on first use. */
  readonly python: PythonPool;
  /** The Drop classes this node runs (its apps' per-app state lives there). */
  readonly classes: DropClasses;
  #checkSpec: (spec: DropSpec) => void;

  constructor(options: NodeManagerOptions) {
    // Session directories must be absolute: file paths are checked against them.
    const abs = (p: string) => normalizePath(p.startsWith("/") ? p : `${Deno.cwd()}/${p}`);
    this.options = {
      ...options,
      workDir: abs(options.workDir),
      allowedPaths: options.allowedPaths?.map(abs),
      appRoots: options.appRoots?.map(abs),
    };
    this.sender = new EventSender({
      transport: options.transport,
      retryMs: options.eventRetry,
      onLost: (sid, why, lost) => this.#sessions.get(sid)?.session.breakDown(why, lost),
    });
    this.workers = new WorkerPool({
      size: options.maxThreads ?? navigator.hardwareConcurrency,
      workerUrl: options.workerUrl,
    });
    this.python = new PythonPool(options.python);
    this.classes = new DropClasses({ python: this.python });
    this.#checkSpec = moduleAppChecker([this.options.workDir, ...(this.options.appRoots ?? [])]);
  }

  get(sessionId: string): Session {
    return this.#entry(sessionId).session;
  }

  #entry(sessionId: string): NodeSession {
    const s = this.#sessions.get(sessionId);
    if (!s) throw noSession(sessionId);
    return s;
  }

  info(): unknown {
    return { sessions: this.sessions() };
  }

  createSession(sessionId: string): void {
    checkSessionId(sessionId);
    if (this.#sessions.has(sessionId)) throw sessionExists(sessionId);
    const dir = `${this.options.workDir}/${sessionId}`;
    Deno.mkdirSync(dir, { recursive: true });
    let remote: SessionRemote | undefined;
    const session = new Session(sessionId, {
      dir,
      root: this.options.root ?? this.options.workDir,
      allowedPaths: this.options.allowedPaths,
      dlmCheckPeriod: this.options.dlmCheckPeriod,
      dlmCleanupPeriod: this.options.dlmCleanupPeriod,
      classes: this.classes,
      workers: this.workers,
      checkSpec: this.#checkSpec,
      fanIn: this.events,
      links: (s) => remote = new SessionRemote(s, this.sender),
    });
    this.#sessions.set(sessionId, { session, remote: remote! });
  }

  sessions(): SessionSummary[] {
    return [...this.#sessions.values()].map(({ session: s }) => ({
      sessionId: s.sessionId,
      status: s.status,
      size: s.size,
      ...(s.startedAt === undefined ? {} : { started: s.startedAt }),
      ...(s.finishedAt === undefined ? {} : { finished: s.finishedAt }),
      ...(s.lost === undefined ? {} : { lost: s.lost }),
      ...(s.lostEvents.length ? { lostEvents: [...s.lostEvents] } : {}),
    }));
  }

  /** `graph: false`: its graph left empty (a caller writing it in slices). */
  session(sessionId: string, graph = true): SessionDetails & { error?: string } {
    const s = this.get(sessionId);
    const out: SessionDetails & { error?: string } = {
      status: s.status,
      graph: graph ? s.graph() : {},
      dir: { dir: s.dir },
    };
    if (s.status === SessionStates.FAILED && s.error) out.error = s.error;
    return out;
  }

  watch(sessionId: string, lastId?: number, o?: WatchOptions): EventReader {
    return this.get(sessionId).watch(lastId, o);
  }

  deleteSession(sessionId: string): void | Promise<void> {
    const { session, remote } = this.#entry(sessionId);
    const disposing = session.dispose();
    remote.abort();
    this.#sessions.delete(sessionId);
    return disposing;
  }

  sessionStatus(sessionId: string): number {
    return this.get(sessionId).status;
  }

  sessionDir(sessionId: string): { dir: string } {
    return { dir: this.get(sessionId).dir };
  }

  /** `owned`: nothing else holds `items` (the node parsed them), so they may be kept compactly. */
  append(
    sessionId: string,
    items: Record<string, unknown>[],
    owned = false,
  ): void | Promise<void> {
    const session = this.get(sessionId);
    // Whether this node runs Python is found out off the loop (python can take 0.4 s to start),
    // before the first batch that needs to know is checked.
    if (!this.python.checked && items.some(needsPython)) {
      return this.python.probe().then(() => session.append(items, owned));
    }
    return session.append(items, owned);
  }

  /** A big body is parsed in slices, so the event loop keeps answering meanwhile. */
  async appendBytes(sessionId: string, bytes: Uint8Array): Promise<void> {
    await this.append(sessionId, await readGraph(bytes), true);
  }

  deploy(sessionId: string, completed: string[]): void | Promise<void> {
    return this.get(sessionId).deploy(completed);
  }

  cancel(sessionId: string): void | Promise<void> {
    const { session, remote } = this.#entry(sessionId);
    const cancelling = session.cancel();
    remote.abort();
    return cancelling;
  }

  /** Undo part of a graph (all tiers have it: composites roll back refused batches). */
  removeDrops(sessionId: string, oids: string[]): void {
    this.get(sessionId).remove(oids);
  }

  /** `subscriptions`: which local Drops link to Drops on which peer nodes. */
  subscribe(sessionId: string, subs: Record<string, [string, number, string][]>): void {
    const { session: s, remote } = this.#entry(sessionId);
    if (s.status !== SessionStates.PRISTINE && s.status !== SessionStates.BUILDING) {
      throw invalidState(
        `Session ${sessionId} is ${sessionStateName(s.status)}; subscriptions need BUILDING`,
      );
    }
    for (const [peer, rels] of Object.entries(subs)) remote.subscribe(peer, rels);
  }

  /** Events from other nodes; an unknown session's are dropped, as DALiuGE does. */
  deliverEvents(sessionId: string, events: WireEvent[]): void {
    this.#sessions.get(sessionId)?.remote.deliver(events);
  }

  /** A local data Drop, for a peer reading or writing its bytes. */
  dataDrop(sessionId: string, uid: string): DataDrop {
    const d = this.get(sessionId).dropByUid(uid);
    if (!(d instanceof DataDrop)) throw noDrop(uid, `no data Drop ${uid} in session ${sessionId}`);
    return d;
  }

  /**
   * The local Drop a peer pushes bytes into: only one an app on another node produces, once
   * per such producer, and only while writable (DESIGN §8).
   */
  pushTarget(sessionId: string, uid: string): DataDrop {
    const d = this.dataDrop(sessionId, uid);
    if (d.status > DropStates.WRITING) {
      throw invalidState(`Drop ${d.uid} is not writable (status ${d.status})`);
    }
    if (!this.#entry(sessionId).remote.acceptBytes(d.uid)) {
      throw invalidState(
        `Drop ${d.uid} takes no bytes from other nodes: no remote producer, or they came already`,
      );
    }
    return d;
  }

  /** A peer finished reading `d`. */
  remoteRead(sessionId: string, d: DataDrop): void {
    this.#sessions.get(sessionId)?.remote.read(d);
  }

  trigger(sessionId: string, uids: string[]): void {
    this.get(sessionId).trigger(uids);
  }

  graph(sessionId: string): Record<string, unknown> {
    return this.get(sessionId).graph();
  }

  graphStatus(sessionId: string): Record<string, unknown> {
    return this.get(sessionId).graphStatus();
  }

  graphSize(sessionId: string): number {
    return this.get(sessionId).size;
  }

  dropInfo(sessionId: string, oid: string): unknown {
    const s = this.get(sessionId);
    const d = s.drop(oid);
    const logs = (d.logs ?? []).map((l) => ({
      time: new Date(l.time).toISOString(),
      Level: l.level,
      Module: d.isApp ? "app" : "data",
      "Function/Method": d.oid,
      "Line #": 0,
      Message: l.message,
    }));
    return {
      session: sessionId,
      status: s.status,
      oid: d.oid,
      uid: d.uid,
      dropStatus: d.status,
      state: dropStateName(d.status),
      ...(d instanceof AppDrop
        ? { execStatus: d.execStatus, execState: appStateName(d.execStatus) }
        : {}),
      ...(d.error ? { error: d.error } : {}),
      ...(d instanceof DataDrop ? { size: d.store.size } : {}),
      logs,
    };
  }

  dropFile(sessionId: string, oid: string): { filepath: string } {
    const d = this.get(sessionId).drop(oid);
    return { filepath: d instanceof DataDrop ? d.store.path ?? "" : "" };
  }

  async stop(): Promise<void> {
    await this.sender.drain();
    await this.sender.stop();
    for (const { session, remote } of this.#sessions.values()) {
      remote.abort();
      await session.dispose();
    }
    this.workers.stop();
    await this.python.stop();
  }
}
