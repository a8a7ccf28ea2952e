import assert from "node:assert/strict";
import { Hono } from "hono";
import { NodeManager } from "../manager/mod.ts";
import { errorResponse } from "../rest/mod.ts";
import { ManagerEvents } from "../session/mod.ts";
import type { Drop } from "../drops/mod.ts";
import { waitFor } from "../testing/mod.ts";
import {
  levelOf,
  logLine,
  logManagerEvents,
  mergeLines,
  nodeLogsRoute,
  requestLog,
  SessionLogFiles,
  setupLogging,
} from "./mod.ts";

Deno.test("levelOf maps -v/-q counts to levels", () => {
  assert.deepEqual([-3, -2, -1, 0, 1, 2, 5].map(levelOf), [
    "error",
    "error",
    "warning",
    "info",
    "debug",
    "trace",
    "trace",
  ]);
});

Deno.test("mergeLines sorts by the leading time and keeps same-time lines in order", () => {
  const a = [logLine("INFO", "a1", 2000), logLine("INFO", "a2", 2000)];
  const b = [logLine("ERROR", "b1", 1000), logLine("INFO", "b2", 3000)];
  const merged = mergeLines([a, b]).trim().split("\n").map((l) => l.split(/\s+/).at(-1));
  assert.deepEqual(merged, ["b1", "a1", "a2", "b2"]);
  assert.equal(mergeLines([[], []]), "");
});

Deno.test("session log files: failed Drops, state changes and Drop lines, JSON lines on stderr", async () => {
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const reset = setupLogging({ verbosity: 1, format: "json", write: (l) => lines.push(l) });
  try {
    const files = new SessionLogFiles(`${dir}/logs`);
    files.listening("127.0.0.1", 8001);
    const events = new ManagerEvents();
    const stop = logManagerEvents(events, {
      name: "node",
      files,
      dropError: (_sid, oid) => `${oid} ran out of disk`,
    });
    const drop = (oid: string, status: number) => ({ oid, status }) as Drop;
    events.sessionChanged("s", { status: 3 });
    events.dropChanged("s", drop("a", 2), 1);
    events.dropChanged("s", drop("b", 3), 0);
    events.logged("s", drop("a", 2), { time: 0, level: "WARNING", message: "slow\ndisk" });
    events.sessionChanged("s", { status: 6, error: "Drop b failed" });
    stop();
    const text = await files.read("s");
    assert.ok(files.path("s").endsWith("/logs/dlg_127.0.0.1_8001_s.log"));
    assert.deepEqual(text.trim().split("\n").map((l) => l.slice(25)), [
      "INFO    session s RUNNING",
      "ERROR   Drop b failed: b ran out of disk",
      "WARNING [a] slow | disk",
      "WARNING session s FAILED: Drop b failed",
    ]);
    assert.equal(await files.read("other"), "");
    const json = lines.map((l) => JSON.parse(l));
    assert.deepEqual(json.map((j) => [j.level, j.message]), [
      ["INFO", "session s RUNNING"],
      ["WARNING", "session s: Drop b failed: b ran out of disk"],
      ["DEBUG", "session s: [a] slow\ndisk"],
      ["WARNING", "session s FAILED: Drop b failed"],
    ]);
    assert.equal(json[1].oid, "b");
  } finally {
    reset();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("SessionLogFiles refuses a directory it cannot write, in one line", () => {
  assert.throws(
    () => new SessionLogFiles("/proc/nope"),
    /^Error: cannot write session logs to \/proc\/nope: /,
  );
});

Deno.test("requestLog logs a rejected request's status and reason, never its headers", async () => {
  const lines: string[] = [];
  const reset = setupLogging({ verbosity: 0, format: "text", write: (l) => lines.push(l) });
  try {
    const app = new Hono();
    app.use("*", requestLog("node"));
    app.get("/api/x", (c) => c.json({ type: "NoSessionException", args: ["no session x"] }, 404));
    app.post("/api/sessions", (c) => c.json({ sessionId: "s" }));
    app.get("/api/sessions", (c) => c.json([]));
    const auth = { authorization: "Bearer t0ps3cret" };
    await app.request("/api/x?token=t0ps3cret", { headers: auth });
    await app.request("/api/sessions", { method: "POST", headers: auth });
    await app.request("/api/sessions", { headers: auth });
    assert.equal(lines.length, 2, "a read that succeeds is debug");
    assert.match(
      lines[0]!,
      /\[WARNING\] dlg·node·http: GET \/api\/x -> 404 NoSessionException: no session x/,
    );
    assert.match(lines[1]!, /\[INFO\] dlg·node·http: POST \/api\/sessions -> 200/);
    assert.doesNotMatch(lines.join(""), /t0ps3cret/);
  } finally {
    reset();
  }
});

Deno.test("GET .../logs without -l: what a node's Drops keep (their lines and errors)", async () => {
  const dir = await Deno.makeTempDir();
  const nm = new NodeManager({ workDir: dir, dlmCheckPeriod: 0 });
  try {
    nm.createSession("s");
    await nm.append("s", [
      {
        oid: "app",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: "echo no space left >&2; exit 2",
        outputs: ["out"],
      },
      { oid: "out", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
    ]);
    nm.deploy("s", ["app"]);
    await waitFor(() => nm.sessionStatus("s") === 6);
    const app = new Hono().onError(errorResponse).route("/", nodeLogsRoute(nm));
    const res = await app.request("/api/sessions/s/logs");
    assert.equal(res.headers.get("content-type"), "text/plain; charset=utf-8");
    const text = await res.text();
    assert.match(text, /^\S+Z INFO {4}\[app\] running: echo no space left/m);
    assert.match(text, /^\S+Z ERROR {3}Drop app failed: .*no space left/m);
    assert.match(text, /^\S+Z ERROR {3}Drop out failed: /m);
    assert.equal((await app.request("/api/sessions/nope/logs")).status, 404);
  } finally {
    await nm.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
