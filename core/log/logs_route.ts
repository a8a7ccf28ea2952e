/**
 * `GET /api/sessions/<sid>/logs` (text/plain, one `TIME LEVEL text` line per entry, oldest
 * first). A node returns the session's `-l` file, or without `-l` what its Drops keep in memory
 * (their log lines and errors); a composite tier merges its children's answers, each line naming
 * the child, with its own file's lines.
 */
import { Hono } from "hono";
import { describeArgs, DlgClientError, responseError } from "../client/mod.ts";
import type { CompositeManager, NodeManager } from "../manager/mod.ts";
import { sessionPath } from "../wire/mod.ts";
import { logLine, type SessionLogFiles } from "./session_files.ts";

const TEXT = { "content-type": "text/plain; charset=utf-8" };

/** Lines sorted by their leading ISO time (stable: same-time lines keep their order). */
export function mergeLines(groups: string[][]): string {
  const all = groups.flat().filter(Boolean);
  const at = (l: string) => l.slice(0, 24);
  const sorted = all.map((l, i) => [l, i] as const).sort((a, b) =>
    at(a[0]) < at(b[0]) ? -1 : at(a[0]) > at(b[0]) ? 1 : a[1] - b[1]
  );
  return sorted.map(([l]) => l).join("\n") + (all.length ? "\n" : "");
}

/** What a node's Drops keep of a session: their log lines and errors. */
function memoryLog(nm: NodeManager, sid: string): string {
  const s = nm.get(sid);
  const lines: string[] = [];
  for (const oid of s.specs().keys()) {
    let d;
    try {
      d = s.drop(oid);
    } catch {
      continue; // not built yet
    }
    for (const l of d.logs ?? []) lines.push(logLine(l.level, `[${oid}] ${l.message}`, l.time));
    // Drops keep no time for their error: after their last line is the best we know.
    const t = d.logs?.at(-1)?.time ?? Date.now();
    if (d.error) lines.push(logLine("ERROR", `Drop ${oid} failed: ${d.error}`, t));
  }
  return mergeLines([lines]);
}

export function nodeLogsRoute(nm: NodeManager, files?: SessionLogFiles): Hono {
  const app = new Hono();
  app.get("/api/sessions/:sid/logs", async (c) => {
    const sid = c.req.param("sid");
    nm.get(sid); // 404 for an unknown session
    return c.body(files ? await files.read(sid) : memoryLog(nm, sid), 200, TEXT);
  });
  return app;
}

/** `TIME LEVEL text` -> `TIME LEVEL child: text`. */
function tag(line: string, child: string): string {
  const m = /^(\S+ \S+\s+)(.*)$/.exec(line);
  return m ? `${m[1]}${child}: ${m[2]}` : `${child}: ${line}`;
}

export function compositeLogsRoute(cm: CompositeManager, files?: SessionLogFiles): Hono {
  const app = new Hono();
  app.get("/api/sessions/:sid/logs", async (c) => {
    const sid = c.req.param("sid");
    const s = cm.get(sid);
    const groups = await Promise.all(
      s.targets().map(async (child) => {
        try {
          const res = await child.client.raw("GET", sessionPath(sid, "/logs"));
          if (!res.ok) throw await responseError(res, "GET logs");
          const text = await res.text();
          return text.split("\n").filter(Boolean).map((l) => tag(l, child.name));
        } catch (e) {
          const why = e instanceof DlgClientError ? describeArgs(e.args) : (e as Error).message;
          return [logLine("WARNING", `${child.name}: no logs: ${why}`)];
        }
      }),
    );
    const own = files ? (await files.read(sid)).split("\n") : [];
    return c.body(mergeLines([own, ...groups]), 200, TEXT);
  });
  return app;
}
