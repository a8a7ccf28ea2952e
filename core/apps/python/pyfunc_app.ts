/**
 * `dlg.apps.pyfunc.PyFuncApp`: a Python function run in the node's pool of python3 workers,
 * as DALiuGE 6.7 runs it (pyfunc-reference.md). This side picks each port's encoding, sends
 * the inputs' bytes (or file paths) and writes what comes back into the outputs.
 */
import { hostname } from "node:os";
import {
  type AppDrop,
  type AppImpl,
  CannotRun,
  type DataDrop,
  MemoryStore,
  NullStore,
} from "../../drops/mod.ts";
import type { Params } from "../../graph/mod.ts";
import { declaredInputs } from "../order.ts";
import type { CallInput, CallMsg } from "./protocol.ts";
import { PythonError, type PythonPool } from "./pool.ts";

export const PYFUNC_APP = "dlg.apps.pyfunc.PyFuncApp";

/** How the runner names a function that does not resolve (runner_resolve_py.ts). */
const RESOLVE_ERROR = "ResolveError: ";

/** Parameters the class reads besides every top-level one. */
export const PYFUNC_PARAMS = {
  func_name: "string",
  func_code: "string",
  func_defaults: "any",
  applicationArgs: "any",
  componentParams: "any",
  inputs: "any",
} as const;

/** The fields of an applicationArgs entry the runner reads; EAGLE's other metadata stays here. */
const ENTRY_FIELDS = ["value", "usage", "encoding", "positional", "type"];
/** Sent on their own (or not at all), never as top-level values. */
const NOT_TOP = new Set([...Object.keys(PYFUNC_PARAMS), "n_tries", "input_error_threshold"]);

type Entries = Record<string, Record<string, unknown>>;

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}

/** The applicationArgs entries, reduced to what the runner reads; undefined when there are none. */
export function argEntries(params: Params): Entries | undefined {
  const aa = params.applicationArgs;
  if (!isObject(aa)) return undefined;
  const out: Entries = {};
  for (const [name, e] of Object.entries(aa)) {
    if (!isObject(e)) continue;
    const kept: Record<string, unknown> = {};
    for (const f of ENTRY_FIELDS) if (f in e) kept[f] = e[f];
    out[name] = kept;
  }
  return out;
}

/**
 * An input port's encoding: its applicationArgs entry's (dill when it names none; an empty or
 * unknown one feeds nothing); dill for every port of a spec without applicationArgs; a port with
 * no entry in a spec that has them feeds nothing (undefined), as in DALiuGE, unless a top-level
 * value of that name is set.
 */
export function inputEncoding(args: Entries | undefined, params: Params, port: string) {
  if (!args) return "dill";
  const e = args[port];
  if (!e) return params[port] !== undefined ? "dill" : undefined;
  if (e.encoding === undefined || e.encoding === null) return "dill";
  // An empty or unknown encoding: the port is ignored, the parameter keeps its value.
  return INPUT_ENCODINGS.has(e.encoding as string) ? e.encoding as string : undefined;
}

/** What an input port may be read as (`raw` is read as dill, as DALiuGE falls back). */
const INPUT_ENCODINGS = new Set([
  "dill",
  "pickle",
  "raw",
  "eval",
  "utf-8",
  "npy",
  "binary",
  "path",
  "dataurl",
]);

/** An output port's encoding: applicationArgs, else componentParams, else dill. */
export function outputEncoding(args: Entries | undefined, params: Params, port: string): string {
  const fromArgs = args?.[port]?.encoding;
  if (typeof fromArgs === "string" && fromArgs) return fromArgs;
  const cp = params.componentParams;
  const fromCp = isObject(cp) && isObject(cp[port]) ? cp[port].encoding : undefined;
  return typeof fromCp === "string" && fromCp ? fromCp : "dill";
}

/** The call for `app`, and the payloads its inputs refer to. */
export function buildCall(app: AppDrop): { msg: CallMsg; payloads: Uint8Array[] } {
  const params = app.params;
  const args = argEntries(params);
  const top: Record<string, unknown> = {};
  for (const [k, val] of Object.entries(params)) if (!NOT_TOP.has(k)) top[k] = val;
  const payloads: Uint8Array[] = [];
  const inputs: CallInput[] = [];
  for (const d of declaredInputs(app)) {
    const port = app.ports?.[d.oid];
    if (!port) continue; // DALiuGE: only {oid: port} inputs feed an argument
    const encoding = inputEncoding(args, params, port);
    if (encoding === undefined) continue;
    inputs.push(inputOf(d, port, encoding, payloads));
  }
  const outputs = app.outputs.map((d) => {
    const port = app.ports?.[d.oid] ?? "";
    return { port, encoding: port ? outputEncoding(args, params, port) : "dill" };
  });
  const msg: CallMsg = {
    func_name: str(params.func_name),
    func_code: str(params.func_code),
    func_defaults: params.func_defaults,
    args,
    top,
    inputs,
    outputs,
    cwd: app.host.dir,
    env: { DLG_UID: app.uid, DLG_SESSION_ID: app.host.sessionId, DLG_ROOT: app.host.root },
  };
  return { msg, payloads };
}

function str(x: unknown): string | undefined {
  return typeof x === "string" && x ? x : undefined;
}

function inputOf(d: DataDrop, port: string, encoding: string, payloads: Uint8Array[]): CallInput {
  const s = d.store;
  if (s.path) return { port, encoding, path: s.path, url: `file://${hostname()}${s.path}` };
  const url = `mem://${hostname()}/${Deno.pid}/${d.uid}`;
  payloads.push(s instanceof NullStore ? new Uint8Array(0) : s.bytes());
  return { port, encoding, payload: payloads.length - 1, url };
}

/**
 * Write one output's bytes: a memory Drop with this app as its only producer keeps the
 * buffer the bytes arrived in (no further copy); other Drops get them written.
 */
function writeOutput(d: DataDrop, parts: Uint8Array[]): void {
  const only = parts.length === 1 ? parts[0]! : undefined;
  const s = d.store;
  if (
    only && only.length && only.buffer instanceof SharedArrayBuffer &&
    s instanceof MemoryStore && d.nProducers <= 1 && s.size === 0
  ) {
    s.adopt(only.buffer);
    return d.wroteShared(only.length);
  }
  for (const p of parts) if (p.length) d.write(p);
}

/** A PyFuncApp implementation calling into `pool` (undefined: this manager runs no Python). */
export function pyFuncApp(pool: PythonPool | undefined): AppImpl {
  return {
    async run(app) {
      if (!pool) throw new Error(`${PYFUNC_APP} runs only on a node manager`);
      const { msg, payloads } = buildCall(app);
      const what = msg.func_name ?? "func_code";
      let r;
      try {
        r = await pool.call(msg, payloads, app.signal);
      } catch (e) {
        if (!(e instanceof PythonError)) throw e;
        if (e.log) app.log("INFO", `output of ${what}: ${e.log}`);
        // The function did not resolve (import, func_code): it never will.
        if (e.message.startsWith(RESOLVE_ERROR)) {
          throw new CannotRun(e.message.slice(RESOLVE_ERROR.length));
        }
        e.stack = e.traceback.trimEnd();
        throw e;
      }
      if (r.log) app.log("INFO", `output of ${what}: ${r.log}`);
      r.outputs.forEach((parts, i) => writeOutput(app.outputs[i]!, parts));
    },
  };
}

/** The append-time check: a function to call, and a python to call it with. */
export function pyFuncChecker(pool: PythonPool | undefined): (p: Params) => string | undefined {
  return (p) => {
    if (!str(p.func_name) && !str(p.func_code)) {
      return `${PYFUNC_APP} needs func_name (module.function) or func_code`;
    }
    const why = pool?.unavailable();
    return why
      ? `${PYFUNC_APP} needs Python on this node, and ${why}; start dlg-node with --python PATH`
      : undefined;
  };
}
