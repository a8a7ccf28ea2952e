/**
 * A real dlg-node with Python workers (`--python /usr/bin/python3`, the test module directory
 * on `--py-path`) and shorthands to run PyFuncApp graphs on it.
 */
import assert from "node:assert/strict";
import { type Proc, startNode } from "../_util/procs.ts";
import { type Call, fetchCall, type Reply, runGraph } from "../translator/_run.ts";
import type { Spec } from "../translator/_fixtures.ts";

export const PYTHON = "/usr/bin/python3";
export const PY_PATH = new URL("../fixtures/python/", import.meta.url).pathname;
export const PYFUNC = "dlg.apps.pyfunc.PyFuncApp";

export interface PyNode {
  proc: Proc & { workDir: string };
  call: Call;
  /** Run `graph` in session `sid` to its end: final status and every Drop's state. */
  run(sid: string, graph: Spec[], ms?: number): Promise<Run>;
  /** A file of session `sid`'s directory. */
  read(sid: string, name: string): Promise<Uint8Array>;
  drop(sid: string, oid: string): Promise<DropInfo>;
}

export interface Run {
  final: number[];
  status: Record<string, { status: number; execStatus?: number }>;
}

export interface DropInfo {
  status: number;
  error?: string;
  logs: { Level: string; Message: string }[];
}

export function startPyNode(extra: string[] = []): Promise<Proc & { workDir: string }> {
  return startNode([
    "--python",
    PYTHON,
    "--py-path",
    PY_PATH,
    "--py-workers",
    "2",
    "--dlm-check-period",
    "0",
    ...extra,
  ]);
}

export async function withPyNode(fn: (n: PyNode) => Promise<void>, extra: string[] = []) {
  const proc = await startPyNode(extra);
  const call = fetchCall(proc.url);
  const body = (r: Reply) => r.body;
  try {
    await fn({
      proc,
      call,
      async run(sid, graph, ms = 30_000) {
        const out = await runGraph(call, sid, graph, ms);
        return { final: out.final, status: out.graphStatus as Run["status"] };
      },
      read: (sid, name) => Deno.readFile(`${proc.workDir}/${sid}/${name}`),
      drop: async (sid, oid) =>
        body(await call("GET", `/api/sessions/${sid}/graph/drop/${oid}`)) as DropInfo,
    });
  } finally {
    await proc.stop();
  }
}

/** Drop-spec shorthands. */
export const py = (oid: string, extra: Record<string, unknown>): Spec => ({
  oid,
  categoryType: "Application",
  dropclass: PYFUNC,
  ...extra,
});
export const memory = (oid: string, extra: Record<string, unknown> = {}): Spec => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.memory.InMemoryDROP",
  ...extra,
});
export const fileDrop = (oid: string, filepath: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.file.FileDROP",
  filepath,
  ...extra,
});
/** An applicationArgs entry as EAGLE writes one. */
export const arg = (value: unknown, usage = "NoPort", encoding = "pickle", positional = false) => ({
  value,
  type: "Object",
  usage,
  encoding,
  positional,
});

export function pidAlive(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return true;
  } catch {
    return false;
  }
}

export function assertAll(run: Run, status: number, oids: string[]): void {
  for (const oid of oids) assert.equal(run.status[oid]?.status, status, `${oid}: ${status}`);
}
