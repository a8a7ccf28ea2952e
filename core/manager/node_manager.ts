/** The Node Drop Manager: a collection of sessions that are created, fed, deployed and run. */
import { AppDrop } from "../drops/app_drop.ts";
import { DataDrop } from "../drops/data_drop.ts";
import { appStateName, dropStateName, sessionStateName, SessionStates } from "../drops/states.ts";
import { badRequest, invalidState, noDrop, noSession, sessionExists } from "../errors/mod.ts";
import { type EventReader, ManagerEvents, normalizePath, Session } from "../session/mod.ts";
import type { DropSpec } from "../graph/normalize.ts";
import { moduleAppChecker } from "../apps/module_app.ts";
import { WorkerPool } from "../exec/pool.ts";
import type { LifecycleOptions } from "../session/lifecycle.ts";
import { EventSender, SessionRemote, type WireEvent } from "../rpc/mod.ts";
import type { DropManager, SessionDetails, SessionSummary } from "./types.ts";

export interface NodeManagerOptions extends LifecycleOptions {
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
}

/** Session ids become directory names: no separators, no dot-only names, nothing invisible. */
export function checkSessionId(id: unknown): string {
  if (typeof id !== "string" || !id) throw badRequest("sessionId must be a non-empty string");
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

export class NodeManager implements DropManager {
  readonly kind = "node" as const;
  readonly options: NodeManagerOptions;
  /** One pool per node, shared by its sessions; workers start on first use. */
  readonly workers: WorkerPool;
  #sessions = new Map<string, Session>();
  /** Every session's events, for whoever watches the whole manager (metrics, logs). */
  readonly events = new ManagerEvents();
  #remotes = new Map<string, SessionRemote>();
  /** Events to other nodes, batched. */
  readonly sender = new EventSender();
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
    this.workers = new WorkerPool({
      size: options.maxThreads ?? navigator.hardwareConcurrency,
      workerUrl: options.workerUrl,
    });
    this.#checkSpec = moduleAppChecker([this.options.workDir, ...(this.options.appRoots ?? [])]);
  }

  get(sessionId: string): Session {
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
    this.#sessions.set(
      sessionId,
      new Session(sessionId, {
        dir,
        root: this.options.root ?? this.options.workDir,
        allowedPaths: this.options.allowedPaths,
        dlmCheckPeriod: this.options.dlmCheckPeriod,
        dlmCleanupPeriod: this.options.dlmCleanupPeriod,
        workers: this.workers,
        checkSpec: this.#checkSpec,
        fanIn: this.events,
      }),
    );
  }

  sessions(): SessionSummary[] {
    return [...this.#sessions.values()].map((s) => ({
      sessionId: s.sessionId,
      status: s.status,
      size: s.size,
    }));
  }

  session(sessionId: string): SessionDetails & { error?: string } {
    const s = this.get(sessionId);
    const out: SessionDetails & { error?: string } = {
      status: s.status,
      graph: s.graph(),
      dir: { dir: s.dir },
    };
    if (s.status === SessionStates.FAILED && s.error) out.error = s.error;
    return out;
  }

  watch(sessionId: string, lastId?: number): EventReader {
    return this.get(sessionId).watch(lastId);
  }

  deleteSession(sessionId: string): void {
    this.get(sessionId).dispose();
    this.#remotes.get(sessionId)?.abort();
    this.#remotes.delete(sessionId);
    this.#sessions.delete(sessionId);
  }

  sessionStatus(sessionId: string): number {
    return this.get(sessionId).status;
  }

  sessionDir(sessionId: string): { dir: string } {
    return { dir: this.get(sessionId).dir };
  }

  append(sessionId: string, items: Record<string, unknown>[]): void | Promise<void> {
    return this.get(sessionId).append(items);
  }

  deploy(sessionId: string, completed: string[]): void {
    this.get(sessionId).deploy(completed);
  }

  cancel(sessionId: string): void {
    this.get(sessionId).cancel();
    this.#remotes.get(sessionId)?.abort();
  }

  /** Undo part of a graph (all tiers have it: composites roll back refused batches). */
  removeDrops(sessionId: string, oids: string[]): void {
    this.get(sessionId).remove(oids);
  }

  /** `subscriptions`: which local Drops link to Drops on which peer nodes. */
  subscribe(sessionId: string, subs: Record<string, [string, number, string][]>): void {
    const s = this.get(sessionId);
    if (s.status !== SessionStates.PRISTINE && s.status !== SessionStates.BUILDING) {
      throw invalidState(
        `Session ${sessionId} is ${sessionStateName(s.status)}; subscriptions need BUILDING`,
      );
    }
    let r = this.#remotes.get(sessionId);
    if (!r) this.#remotes.set(sessionId, r = new SessionRemote(s, this.sender));
    for (const [peer, rels] of Object.entries(subs)) r.subscribe(peer, rels);
  }

  /** Events from other nodes; an unknown session's are dropped, as DALiuGE does. */
  deliverEvents(sessionId: string, events: WireEvent[]): void {
    this.#remotes.get(sessionId)?.deliver(events);
  }

  /** A local data Drop, for a peer reading or writing its bytes. */
  dataDrop(sessionId: string, uid: string): DataDrop {
    const d = this.get(sessionId).dropByUid(uid);
    if (!(d instanceof DataDrop)) throw noDrop(uid, `no data Drop ${uid} in session ${sessionId}`);
    return d;
  }

  /** A peer finished reading `d`. */
  remoteRead(sessionId: string, d: DataDrop): void {
    this.#remotes.get(sessionId)?.read(d);
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
      logs,
    };
  }

  dropFile(sessionId: string, oid: string): { filepath: string } {
    const d = this.get(sessionId).drop(oid);
    return { filepath: d instanceof DataDrop ? d.store.path ?? "" : "" };
  }

  async stop(): Promise<void> {
    await this.sender.drain();
    this.sender.stop();
    for (const r of this.#remotes.values()) r.abort();
    for (const s of this.#sessions.values()) s.dispose();
    this.workers.stop();
  }
}
