/**
 * The `dlg` command-line client's commands. Each returns the process exit code; results go to
 * stdout (JSON with `json`), progress and notes to stderr.
 */
import {
  type BaseManagerClient,
  countDrops,
  type DropCounts,
  formatProgress,
  graphSpecs,
  reduceSessionStatus,
  type SessionProgress,
  sessionStatusName,
  submitGraph,
  waitForSession,
} from "../client/mod.ts";
import { DropStates, SessionStates } from "../drops/mod.ts";
import { fitProgress, printFailedDrops } from "./dlg_inspect.ts";

export interface Out {
  json: boolean;
  /** Write a line to stdout. */
  out(line: string): void;
  /** Write a note to stderr (a line; `\r` redraws on a terminal). */
  err(text: string): void;
  /** Is stderr a terminal (live progress bar)? */
  tty: boolean;
  /** The terminal's width, when it is one (the progress line fits in it). */
  columns?: () => number;
}

const print = (o: Out, value: unknown) => o.out(JSON.stringify(value, null, 2));

/** Read a graph file (`-` = stdin; gzip or zlib-compressed files are inflated). */
export async function readGraph(path: string): Promise<Record<string, unknown>[]> {
  const what = path === "-" ? "stdin" : path;
  let bytes: Uint8Array;
  try {
    bytes = path === "-"
      ? new Uint8Array(await new Response(Deno.stdin.readable).arrayBuffer())
      : await Deno.readFile(path);
  } catch (e) {
    throw new Error(`cannot read ${what}: ${(e as Error).message.replace(/ \(os error.*$/, "")}`);
  }
  const gzip = bytes[0] === 0x1f && bytes[1] === 0x8b;
  const zlib = bytes[0] === 0x78 && [0x01, 0x5e, 0x9c, 0xda].includes(bytes[1] ?? 0);
  if (gzip || zlib) {
    const s = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
      .pipeThrough(new DecompressionStream(gzip ? "gzip" : "deflate"));
    try {
      bytes = new Uint8Array(await new Response(s).arrayBuffer());
    } catch (e) {
      throw new Error(
        `${what} is not valid ${gzip ? "gzip" : "zlib"} data: ${(e as Error).message}`,
      );
    }
  }
  let graph: unknown;
  try {
    graph = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    throw new Error(`${what} is not valid JSON: ${(e as Error).message}`);
  }
  try {
    return graphSpecs(graph);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
}

function countsText(c: DropCounts): string {
  const parts = [`${c.total} Drops`, `${c.done} done`];
  if (c.running) parts.push(`${c.running} running`);
  if (c.waiting) parts.push(`${c.waiting} waiting`);
  if (c.error) parts.push(`${c.error} error`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  return parts.join(", ");
}

export interface SubmitArgs {
  graph: string;
  sessionId?: string;
  wait: boolean;
  partBytes: number;
  compress: boolean;
  intervalMs: number;
}

/** `dlg submit`: create, append in parts, deploy with the roots completed, maybe wait. */
export async function submitCommand(c: BaseManagerClient, a: SubmitArgs, o: Out) {
  const specs = await readGraph(a.graph);
  const name = a.graph === "-" ? "stdin" : a.graph.replace(/^.*\//, "").replace(/\.json.*$/, "");
  const t0 = Date.now();
  const r = await submitGraph(c, specs, {
    sessionId: a.sessionId,
    name,
    partBytes: a.partBytes,
    compress: a.compress ? "zlib" : false,
    onPart: (n, total) => {
      if (o.tty && total > 1) o.err(`\rappending part ${n}/${total}`);
    },
  });
  if (o.tty && r.parts > 1) o.err("\r\x1b[K");
  const summary = { ...r, completed: r.completed.length };
  if (!o.json) {
    o.err(
      `submitted ${r.drops} Drops in ${r.parts} part(s) to session ${r.sessionId}, ` +
        `${r.completed.length} root(s) completed\n`,
    );
  }
  if (!a.wait) {
    if (o.json) print(o, summary);
    else o.out(r.sessionId);
    return 0;
  }
  const end = await follow(c, r.sessionId, o, { t0, intervalMs: a.intervalMs });
  if (!end) return 130;
  const state = sessionStatusName(end.status);
  if (o.json) {
    print(o, { ...summary, status: end.status, state, drops: end.drops, error: end.error });
  } else {
    const secs = ((Date.now() - t0) / 1000).toFixed(1);
    o.out(`${r.sessionId} ${state} in ${secs}s` + (end.drops ? `: ${countsText(end.drops)}` : ""));
    if (end.error) o.err(`error: ${end.error}\n`);
  }
  if (end.status !== SessionStates.FINISHED && !o.json) await printFailedDrops(c, r.sessionId, o);
  return end.status === SessionStates.FINISHED ? 0 : 1;
}

/**
 * Follow the session's event stream until it ends, drawing the progress bar on stderr (redrawn on a terminal, a
 * line per change otherwise). `undefined` when interrupted (SIGINT): the session keeps running.
 */
async function follow(
  c: BaseManagerClient,
  sid: string,
  o: Out,
  w: { t0: number; intervalMs: number },
): Promise<SessionProgress | undefined> {
  const ac = new AbortController();
  const onInt = () => ac.abort();
  Deno.addSignalListener("SIGINT", onInt);
  let last = "";
  let seen: SessionProgress | undefined;
  const draw = (p: SessionProgress) => {
    seen = p;
    const state = sessionStatusName(p.status);
    const line = o.tty && o.columns
      ? fitProgress({ counts: p.drops, state, elapsedMs: Date.now() - w.t0 }, o.columns())
      : formatProgress({ counts: p.drops, state, elapsedMs: Date.now() - w.t0 });
    if (o.json && !o.tty) return;
    if (o.tty) return o.err(`\r\x1b[K${line}`);
    const key = line.replace(/ [\d.]+s$/, "");
    if (key !== last) o.err(`${line}\n`);
    last = key;
  };
  // Events come only when something changes: the clock on a terminal still ticks.
  const tick = o.tty ? setInterval(() => seen && draw(seen), 1000) : undefined;
  try {
    const end = await waitForSession(c, sid, {
      intervalMs: w.intervalMs,
      signal: ac.signal,
      onProgress: draw,
    });
    if (o.tty) o.err("\n");
    return end;
  } catch (e) {
    if (!ac.signal.aborted) throw e;
    o.err(`\nstopped waiting; session ${sid} keeps running (dlg cancel ${sid} stops it)\n`);
    return undefined;
  } finally {
    clearInterval(tick);
    Deno.removeSignalListener("SIGINT", onInt);
  }
}

/** `dlg sessions`. */
export async function sessionsCommand(c: BaseManagerClient, o: Out) {
  const list = await c.sessions();
  const rows = list.map((s) => ({ ...s, state: sessionStatusName(reduceSessionStatus(s.status)) }));
  if (o.json) return print(o, rows), 0;
  if (!rows.length) return o.err("no sessions\n"), 0;
  const w = Math.max(7, ...rows.map((r) => r.sessionId.length));
  o.out(`${"SESSION".padEnd(w)}  ${"STATE".padEnd(9)}  DROPS`);
  for (const r of rows) o.out(`${r.sessionId.padEnd(w)}  ${r.state.padEnd(9)}  ${r.size}`);
  return 0;
}

/** Why a session FAILED, as its manager says (`error` of `GET /api/sessions/<sid>`). */
async function sessionError(c: BaseManagerClient, sid: string): Promise<string | undefined> {
  const details = await c.session(sid).catch(() => undefined) as { error?: unknown } | undefined;
  return typeof details?.error === "string" ? details.error : undefined;
}

/** `dlg status SID`: one state, each child's at composite tiers, and why it failed. */
export async function statusCommand(c: BaseManagerClient, sid: string, o: Out) {
  const raw = await c.sessionStatus(sid);
  const status = reduceSessionStatus(raw);
  const state = sessionStatusName(status);
  const error = status === SessionStates.FAILED ? await sessionError(c, sid) : undefined;
  if (o.json) return print(o, { sessionId: sid, status, state, raw, error }), 0;
  o.out(`${sid} ${state}`);
  const walk = (v: unknown, indent: string) => {
    if (!v || typeof v !== "object") return;
    for (const [k, child] of Object.entries(v)) {
      const s = typeof child === "number" ? child : reduceSessionStatus(child);
      o.out(`${indent}${k}: ${sessionStatusName(s)}`);
      walk(child, `${indent}  `);
    }
  };
  walk(raw, "  ");
  if (error) o.out(`error: ${error}`);
  return 0;
}

/** Failed Drops listed with their errors; past this many, only counted. */
const MAX_LISTED = 50;

/**
 * `dlg graph-status SID`: Drops by state, then each Drop in ERROR with its error (`--json`:
 * DALiuGE's raw map).
 */
export async function graphStatusCommand(c: BaseManagerClient, sid: string, o: Out) {
  const gs = await c.graphStatus(sid);
  if (o.json) return print(o, gs), 0;
  const counts = countDrops(gs);
  const status = reduceSessionStatus(await c.sessionStatus(sid));
  o.out(`${sid} ${sessionStatusName(status)}: ${countsText(counts)}`);
  const failed = Object.entries(gs).filter(([, d]) => d.status === DropStates.ERROR);
  const listed = failed.slice(0, MAX_LISTED);
  const errors = await Promise.all(listed.map(([oid]) =>
    c.dropStatus(sid, oid).then(
      (d) => (d as { error?: unknown }).error,
      (e) => `(cannot read it: ${(e as Error).message})`,
    )
  ));
  listed.forEach(([oid], i) => o.out(`  ${oid}: ${errors[i] ?? "no error recorded"}`));
  if (failed.length > listed.length) o.out(`  ... and ${failed.length - listed.length} more`);
  if (status === SessionStates.FAILED) {
    const error = await sessionError(c, sid);
    if (error) o.out(`error: ${error}`);
  }
  return 0;
}

/** `dlg cancel SID` / `dlg delete SID`. */
export async function actionCommand(
  c: BaseManagerClient,
  sid: string,
  action: "cancel" | "delete",
  o: Out,
) {
  if (action === "cancel") await c.cancelSession(sid);
  else await c.destroySession(sid);
  const done = action === "cancel" ? "cancelled" : "deleted";
  if (o.json) print(o, { sessionId: sid, [done]: true });
  else o.out(`${sid} ${done}`);
  return 0;
}
