/**
 * What a manager tells its log about the sessions it runs, read from its event fan-in (one
 * callback per batch, so the Drops' hot path pays nothing more): each session's state changes,
 * each failed Drop with its reason, and Drop log lines (debug on stderr, always in the session's
 * file with `-l`).
 */
import { getLogger } from "@logtape/logtape";
import { reduceSessionStatus, sessionStatusName } from "../client/mod.ts";
import { DropStates } from "../drops/mod.ts";
import type { BusEvent, ManagerEvents } from "../session/mod.ts";
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

/** Log `events`; the returned function stops. */
export function logManagerEvents(events: ManagerEvents, o: ManagerLogOptions): () => void {
  const log = getLogger(["dlg", o.name]);
  return events.subscribe((sid: string, e: BusEvent) => {
    const lines: string[] = [];
    if (e.event === "session") {
      const state = stateText(e.data.status);
      const why = e.data.error ? `: ${e.data.error}` : "";
      const failed = state.includes("FAILED");
      log[failed ? "warn" : "info"]("session {sessionId} {state}{why}", {
        sessionId: sid,
        state,
        why,
      });
      lines.push(logLine(failed ? "WARNING" : "INFO", `session ${sid} ${state}${why}`));
    } else if (e.event === "drops") {
      for (const d of e.data) {
        if (d.status !== DropStates.ERROR) continue;
        const reason = o.dropError?.(sid, d.oid) ?? "no reason given";
        log.warn("session {sessionId}: Drop {oid} failed: {reason}", {
          sessionId: sid,
          oid: d.oid,
          reason,
        });
        lines.push(logLine("ERROR", `Drop ${d.oid} failed: ${reason}`));
      }
    } else {
      const { oid, level, message } = e.data;
      log.debug("session {sessionId}: [{oid}] {text}", {
        sessionId: sid,
        oid,
        text: message,
        dropLevel: level,
      });
      lines.push(logLine(FILE_LEVEL[level.toUpperCase()] ?? "INFO", `[${oid}] ${message}`));
    }
    o.files?.append(sid, lines);
  });
}
