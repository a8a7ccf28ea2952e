/** What every Drop shares: identity, status, error and log lines, and its host session. */
import type { WorkerPool } from "../exec/mod.ts";
import type { AppDrop } from "./app_drop.ts";
import { dropStateName } from "./states.ts";

/** What a Drop needs from the session that runs it. */
export interface DropHost {
  readonly sessionId: string;
  /** The session directory: every path a Drop touches is under it. */
  readonly dir: string;
  /** DLG_ROOT as apps see it. */
  readonly root: string;
  /** Directories besides `dir` that file Drops may use (`--allow-path`). */
  readonly allowedPaths?: readonly string[];
  /** The node's worker pool, where module apps run (absent outside a node manager). */
  readonly workers?: WorkerPool;
  /** A Drop's status or execStatus changed; `prev` is the status before. */
  changed(drop: Drop, prev: number): void;
  /** An app is ready to execute. */
  ready(app: AppDrop): void;
  /** The Drop logged `line`. */
  logged?(drop: Drop, line: LogLine): void;
  /** `app` can never run (`CannotRun`): the graph cannot go on. */
  cannotRun?(app: AppDrop, why: string): void;
}

/**
 * Thrown by an app that cannot run at all, whatever its inputs (a PyFuncApp whose function does
 * not resolve): no retry, and the session ends FAILED with the rest cancelled, as DALiuGE's
 * deploy fails when a Drop cannot be made.
 */
export class CannotRun extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CannotRun";
  }
}

export interface LogLine {
  time: number;
  level: "INFO" | "WARNING" | "ERROR";
  message: string;
}

export abstract class Drop {
  readonly oid: string;
  readonly uid: string;
  readonly host: DropHost;
  /** The spec's `name`, when it has one (PickOne finds its `rest_array` output by it). */
  name: string | undefined = undefined;
  status = 0;
  /** No local consumer or output: the session finishes when every leaf has. */
  leaf = false;
  /** Scratch counter for graph algorithms (in-degree while checking for cycles). */
  mark = 0;
  /** Why the Drop failed, when it did. */
  error: string | undefined = undefined;
  /** Log lines, created on the first one. */
  logs: LogLine[] | undefined = undefined;

  constructor(oid: string, uid: string, host: DropHost) {
    this.oid = oid;
    this.uid = uid;
    this.host = host;
  }

  abstract readonly isApp: boolean;

  /** Set the status and tell the host, once per real change. */
  protected setStatus(status: number): void {
    const prev = this.status;
    if (prev === status) return;
    this.status = status;
    this.host.changed(this, prev);
  }

  log(level: LogLine["level"], message: string): void {
    const line = { time: Date.now(), level, message };
    (this.logs ??= []).push(line);
    this.host.logged?.(this, line);
  }

  toString(): string {
    return `${this.isApp ? "App" : "Data"}Drop ${this.oid} (${dropStateName(this.status)})`;
  }
}
