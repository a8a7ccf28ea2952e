/** What the fault tests share: small graphs, the `dlg` CLI as a process, status reading. */
import { reduceSessionStatus } from "../../core/client/mod.ts";

const ROOT = new URL("../../", import.meta.url).pathname;

export const MEM = "dlg.data.drops.memory.InMemoryDROP";
export const FILE = "dlg.data.drops.file.FileDROP";
const S = "dlg.apps.simple.";

/** A placement: the `node` (and, under a master, `island`) of a Drop. */
export interface At {
  node: string;
  island?: string;
}

/** On each place `at[i]`: an app `S<i>` sleeping `secs`, writing `D<i>`. Roots: the `S<i>`. */
export function sleepGraph(at: At[], secs: number): Record<string, unknown>[] {
  return at.flatMap((p, i) => [
    {
      oid: `S${i}`,
      categoryType: "Application",
      dropclass: `${S}SleepApp`,
      sleep_time: secs,
      outputs: [`D${i}`],
      ...p,
    },
    { oid: `D${i}`, categoryType: "Data", dropclass: MEM, ...p },
  ]);
}

/**
 * `R` (on `from`, `text` as its data) -> `P` sleeping `secs` and copying -> `A` (on `from`) ->
 * `C` copying on `to` -> `F`, a file on `to`: `text` crosses from one node to the other. Root: R.
 */
export function transferGraph(from: At, to: At, text: string, secs = 0): Record<string, unknown>[] {
  return [
    { oid: "R", categoryType: "Data", dropclass: MEM, pydata: text, consumers: ["P"], ...from },
    {
      oid: "P",
      categoryType: "Application",
      dropclass: `${S}SleepAndCopyApp`,
      sleep_time: secs,
      outputs: ["A"],
      ...from,
    },
    { oid: "A", categoryType: "Data", dropclass: MEM, consumers: ["C"], ...from },
    { oid: "C", categoryType: "Application", dropclass: `${S}CopyApp`, outputs: ["F"], ...to },
    { oid: "F", categoryType: "Data", dropclass: FILE, ...to },
  ];
}

/** A graph written to a temporary file (for `dlg submit`); remove it after. */
export async function writeGraph(graph: unknown[]): Promise<string> {
  const path = await Deno.makeTempFile({ prefix: "dlg-fault-", suffix: ".json" });
  await Deno.writeTextFile(path, JSON.stringify(graph));
  return path;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the `dlg` CLI; killed after `timeoutMs`. */
export function dlg(args: string[], timeoutMs = 40_000): Promise<CliResult> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}cmd/dlg.ts`, ...args],
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
  }, timeoutMs);
  const dec = new TextDecoder();
  return child.output().then((o) => {
    clearTimeout(timer);
    return { code: o.code, stdout: dec.decode(o.stdout), stderr: dec.decode(o.stderr) };
  });
}

/** GET a manager's JSON (no throw on error statuses: the body is returned as is). */
export async function getJson<T = unknown>(url: string): Promise<T> {
  const r = await fetch(url);
  return await r.json() as T;
}

/** A session's reduced state at a manager, and its `error` (from `GET /api/sessions/<sid>`). */
export async function stateOf(
  url: string,
  sid: string,
): Promise<{ state: number | undefined; error?: string; status: unknown }> {
  const d = await getJson<{ status: unknown; error?: string }>(`${url}/api/sessions/${sid}`);
  return { state: reduceSessionStatus(d.status), error: d.error, status: d.status };
}
