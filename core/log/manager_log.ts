/**
 * What a manager tells its log about the sessions it runs, watched on its event fan-in (a call
 * per change, returning at once for all but failures): each session's state changes,
 * each failed Drop with its reason, and Drop log lines (debug on stderr, always in the session's
 * file with `-l`).
 */
import { getLogger } from "@logtape/logtape";
import { reduceSessionStatus, sessionStatusName } from "../client/mod.ts";
import { DropStates } from "../drops/mod.ts";
import type { ManagerEvents } from "../session/mod.ts";
import { type FileLevel, logLine, type SessionLogFiles } from "./session_files.ts";

export interface ManagerLogOptions {
  /** The logger's name under `dlg` (e.g. `node`). */
  name: string;
  /** `-l DIR`: also write each session's lines to its file. */
  files?: SessionLogFiles;
  /** A failed Drop's reason. */
  dropError?: (sessionId: string, oid: string) => string | undefined;
}

/** A session's state (an int, or a map per child: folded into one) as one word. */
export function stateText(status: unknown): string {
  return sessionStatusName(reduceSessionStatus(status));
}

const FILE_LEVEL: Record<string, FileLevel> = {
  DEBUG: "DEBUG",
  INFO: "INFO",
  WARNING: "WARNING",
  WARN: "WARNING",
  ERROR: "ERROR",
  CRITICAL: "ERROR",
};

/** Log `events`; the returned function stops (writing what is still buffered). */
export function logManagerEvents(events: ManagerEvents, o: ManagerLogOptions): () => void {
  const log = getLogger(["dlg", o.name]);
  // Session file lines are written in batches, once per turn of the event loop.
  const pending = new Map<string, string[]>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    timer = undefined;
    for (const [sid, lines] of pending) o.files?.append(sid, lines);
    pending.clear();
  };
  const file = (sid: string, line: string) => {
    if (!o.files) return;
    const list = pending.get(sid);
    if (list) list.push(line);
    else pending.set(sid, [line]);
    timer ??= setTimeout(flush, 0);
  };
  const stop = events.watch({
    session(sid, change) {
      const state = stateText(change.status);
      const why = change.error ? `: ${change.error}` : "";
      const failed = state.includes("FAILED");
      // `error` as a property of its own (JSON log lines), in the message after a colon.
      const props = { sessionId: sid, state, ...(change.error ? { error: change.error } : {}) };
      const text = change.error
        ? "session {sessionId} {state}: {error}"
        : "session {sessionId} {state}";
      log[failed ? "warn" : "info"](text, props);
      file(sid, logLine(failed ? "WARNING" : "INFO", `session ${sid} ${state}${why}`));
    },
    drop(sid, d, prev) {
      if (d.status !== DropStates.ERROR || prev === DropStates.ERROR) return;
      const reason = d.error ?? o.dropError?.(sid, d.oid) ?? "no reason given";
      log.warn("session {sessionId}: Drop {oid} failed: {reason}", {
        sessionId: sid,
        oid: d.oid,
        reason,
      });
      file(sid, logLine("ERROR", `Drop ${d.oid} failed: ${reason}`));
    },
    log(sid, d, line) {
      log.debug("session {sessionId}: [{oid}] {text}", {
        sessionId: sid,
        oid: d.oid,
        text: line.message,
        dropLevel: line.level,
      });
      file(
        sid,
        logLine(FILE_LEVEL[line.level.toUpperCase()] ?? "INFO", `[${d.oid}] ${line.message}`),
      );
    },
  });
  return () => {
    stop();
    clearTimeout(timer);
    flush();
  };
}
