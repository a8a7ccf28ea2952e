/**
 * `dlg logs`, `dlg drop`, the failed Drops printed when `--wait` ends in failure, and the
 * progress line fitted to the terminal.
 */
import {
  type BaseManagerClient,
  type DropCounts,
  type DropInfo,
  formatProgress,
} from "../client/mod.ts";
import { DropStates } from "../drops/mod.ts";
import type { Out } from "./dlg_commands.ts";

const print = (o: Out, value: unknown) => o.out(JSON.stringify(value, null, 2));

/**
 * The progress line, at most `columns - 1` characters (a full line wraps on some terminals):
 * the bar narrows first, then the words shorten, then the line is cut (ending in `~`).
 */
export function fitProgress(
  p: { counts?: DropCounts; state: string; elapsedMs: number },
  columns: number,
): string {
  const max = Math.max(10, columns - 1);
  const short = (l: string) =>
    l.replace(" running", " run").replace(" waiting", " wait").replace(" error", " err")
      .replace(" skipped", " skip").replace(" cancelled", " canc").replaceAll(" | ", " ");
  let line = "";
  for (const [width, f] of [[30, String], [20, String], [10, String], [10, short]] as const) {
    line = f(formatProgress({ ...p, width }));
    if (line.length <= max) return line;
  }
  return `${line.slice(0, max - 1)}~`;
}

/** One Drop's log records as lines. */
function logText(info: DropInfo): string[] {
  return (info.logs ?? []).map((l) =>
    `${l.time ?? ""} ${String(l.Level ?? "").padEnd(7)} ${l.Message ?? ""}`
  );
}

/** `dlg logs SID [OID]`: the session's log, or one Drop's log lines and error. */
export async function logsCommand(
  c: BaseManagerClient,
  sid: string,
  oid: string | undefined,
  o: Out,
) {
  if (oid === undefined) {
    const text = await c.sessionLogs(sid);
    if (o.json) {
      return print(o, { sessionId: sid, lines: text.split("\n").filter(Boolean) }), 0;
    }
    if (!text.trim()) o.err(`no log lines for session ${sid} yet\n`);
    else o.out(text.replace(/\n$/, ""));
    return 0;
  }
  const info = await c.dropStatus(sid, oid);
  if (o.json) return print(o, { sessionId: sid, oid, logs: info.logs, error: info.error }), 0;
  const lines = logText(info);
  if (typeof info.error === "string") lines.push(`error: ${info.error}`);
  if (!lines.length) o.err(`Drop ${oid} has logged nothing\n`);
  for (const l of lines) o.out(l);
  return 0;
}

/** `dlg drop SID OID`: one Drop's state, error and log. */
export async function dropCommand(c: BaseManagerClient, sid: string, oid: string, o: Out) {
  const info = await c.dropStatus(sid, oid);
  if (o.json) return print(o, info), 0;
  const app = info.execState && info.execState !== info.state ? `, app ${info.execState}` : "";
  o.out(`${oid} ${info.state ?? info.dropStatus ?? "?"}${app}`);
  for (const k of ["uid", "node"] as const) {
    if (info[k] !== undefined && info[k] !== oid) o.out(`  ${k}: ${info[k]}`);
  }
  if (typeof info.error === "string") o.out(`  error: ${info.error}`);
  const lines = logText(info);
  if (lines.length) {
    o.out(`  log (${lines.length} line${lines.length === 1 ? "" : "s"}):`);
    for (const l of lines) o.out(`    ${l}`);
  }
  return 0;
}

/** After a failed run: the Drops in error with their errors (at most `limit`), on stderr. */
export async function printFailedDrops(c: BaseManagerClient, sid: string, o: Out, limit = 10) {
  let failed: string[];
  try {
    const gs = await c.graphStatus(sid);
    failed = Object.entries(gs).filter(([, d]) => d.status === DropStates.ERROR).map(([k]) => k);
  } catch {
    return;
  }
  if (!failed.length) return;
  o.err(`failed Drops (${failed.length}):\n`);
  const shown = await Promise.all(
    failed.slice(0, limit).map(async (oid) => {
      try {
        const info = await c.dropStatus(sid, oid);
        return `  ${oid}: ${typeof info.error === "string" ? info.error : "no reason given"}`;
      } catch (e) {
        return `  ${oid}: (could not read it: ${(e as Error).message})`;
      }
    }),
  );
  o.err(shown.map((l) => `${l}\n`).join(""));
  if (failed.length > limit) {
    o.err(`  ... and ${failed.length - limit} more (dlg graph-status ${sid})\n`);
  }
  o.err(`dlg drop ${sid} OID shows a Drop's log\n`);
}
