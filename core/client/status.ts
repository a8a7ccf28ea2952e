/** Session and Drop status as a client sees them: one state per session, Drops by state. */
import {
  AppStates,
  DropStates,
  isSessionOver,
  sessionStateName,
  SessionStates,
} from "../drops/mod.ts";
import type { DropStatus, GraphStatus } from "./types.ts";

const { FINISHED, CANCELLED, FAILED } = SessionStates;

export { isSessionOver };

function leaves(status: unknown, out: number[]): number[] {
  if (typeof status === "number") out.push(status);
  else if (status && typeof status === "object") {
    for (const v of Object.values(status)) leaves(v, out);
  }
  return out;
}

/**
 * One state for a session status of any tier (an int, or a map per child, possibly nested).
 * While any child is still working, the most advanced working state (a mix of RUNNING and
 * FINISHED is RUNNING); once all are over, FAILED beats CANCELLED beats FINISHED. `undefined`
 * when there is no numeric state at all.
 */
export function reduceSessionStatus(status: unknown): number | undefined {
  const all = leaves(status, []);
  if (!all.length) return undefined;
  const working = all.filter((s) => !isSessionOver(s));
  if (working.length) return Math.max(...working);
  if (all.includes(FAILED)) return FAILED;
  if (all.includes(CANCELLED)) return CANCELLED;
  return FINISHED;
}

/** A session state's name (`RUNNING`), or `UNKNOWN`. */
export function sessionStatusName(status: number | undefined): string {
  return status === undefined ? "UNKNOWN" : sessionStateName(status);
}

/** Drops of a session by what they are doing. */
export interface DropCounts {
  total: number;
  /** Not started yet (INITIALIZED, app not running). */
  waiting: number;
  /** Apps running, data being written. */
  running: number;
  /** COMPLETED, or already EXPIRED/DELETED after completing. */
  done: number;
  error: number;
  cancelled: number;
  skipped: number;
}

/** Drops by what they are doing, from `graph/status` (or a map of the same). */
export function countDrops(gs: GraphStatus | ReadonlyMap<string, DropStatus>): DropCounts {
  const c: DropCounts = {
    total: 0,
    waiting: 0,
    running: 0,
    done: 0,
    error: 0,
    cancelled: 0,
    skipped: 0,
  };
  for (const d of gs instanceof Map ? gs.values() : Object.values(gs)) {
    c.total++;
    switch (d.status) {
      case DropStates.COMPLETED:
      case DropStates.EXPIRED:
      case DropStates.DELETED:
        c.done++;
        break;
      case DropStates.ERROR:
        c.error++;
        break;
      case DropStates.CANCELLED:
        c.cancelled++;
        break;
      case DropStates.SKIPPED:
        c.skipped++;
        break;
      case DropStates.WRITING:
        c.running++;
        break;
      default:
        if (d.execStatus === AppStates.RUNNING) c.running++;
        else c.waiting++;
    }
  }
  return c;
}
