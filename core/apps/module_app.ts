/**
 * `dlg.apps.js.ModuleApp`: an exported function of a JS/TS module, run in the node's worker
 * pool. Inputs go as views of their SharedArrayBuffers, outputs as writers into theirs (see
 * core/exec/module_api.ts); streaming inputs are relayed chunk by chunk.
 */
import { resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { type AppDrop, type AppImpl, AppStates, type DataDrop, MemoryStore } from "../drops/mod.ts";
import { invalidGraph } from "../errors/mod.ts";
import type { InputRef, JobEvent, OutputRef, StreamMsg } from "../exec/mod.ts";
import { weigh } from "../memory/mod.ts";
import type { DropSpec, Params } from "../graph/mod.ts";

export const MODULE_APP = "dlg.apps.js.ModuleApp";
/** Address space reserved for an output of unknown size; past it the data moves once. */
export const OUTPUT_RESERVE = 256 * 1024 * 1024;

/** Chunks that arrive before the job is submitted wait here. */
interface Relay {
  pending: StreamMsg[];
  send: ((m: StreamMsg) => void) | null;
}
function named(app: AppDrop, d: DataDrop) {
  return { oid: d.oid, uid: d.uid, name: app.ports?.[d.oid] ?? d.uid };
}

function inputRef(app: AppDrop, d: DataDrop): InputRef {
  const s = d.store;
  if (s instanceof MemoryStore) return { ...named(app, d), buffer: s.buffer, size: s.size };
  if (s.path) return { ...named(app, d), buffer: null, size: 0, path: s.path };
  const bytes = s.bytes();
  if (!bytes.length) return { ...named(app, d), buffer: null, size: 0 };
  const sab = weigh(new SharedArrayBuffer(bytes.length));
  new Uint8Array(sab).set(bytes);
  return { ...named(app, d), buffer: sab, size: bytes.length };
}

function outputRef(app: AppDrop, d: DataDrop): OutputRef {
  const s = d.store;
  if (s instanceof MemoryStore && d.nProducers <= 1) {
    const buffer = s.shareForWriting(OUTPUT_RESERVE);
    return { ...named(app, d), buffer, size: s.size };
  }
  return { ...named(app, d), size: s.size };
}

function onEvent(app: AppDrop, e: JobEvent): void {
  if (e.type === "log") return app.log(e.level, e.message);
  const out = app.outputs[e.output];
  if (!out) throw new RangeError(`the app has no output #${e.output}`);
  if (e.type === "wrote") out.wroteShared(e.size);
  else if (e.type === "write") out.write(e.bytes);
  else if (out.store instanceof MemoryStore) out.store.adopt(e.buffer);
}

async function runModule(app: AppDrop, relays: WeakMap<AppDrop, Relay>): Promise<void> {
  const pool = app.host.workers;
  if (!pool) throw new Error("module apps need a worker pool (run them on a dlg-node)");
  const module = app.params.module;
  if (typeof module !== "string" || !module.startsWith("file:")) {
    throw new Error(`module ${String(module)} was not resolved at append`);
  }
  const handle = pool.submit({
    run: {
      module,
      fn: typeof app.params.function === "string" ? app.params.function : "default",
      params: app.params,
      app: { oid: app.oid, uid: app.uid, sessionId: app.host.sessionId },
      inputs: app.inputs.map((d) => inputRef(app, d)),
      outputs: app.outputs.map((d) => outputRef(app, d)),
      streams: app.streamingInputs.map((d) => named(app, d)),
    },
    onEvent: (e) => onEvent(app, e),
    signal: app.signal,
  });
  if (app.streamingInputs.length) {
    const r = relays.get(app) ?? { pending: [], send: null };
    relays.set(app, r);
    for (const m of r.pending) handle.send(m);
    r.pending = [];
    r.send = handle.send;
  }
  try {
    await handle.done;
  } finally {
    relays.delete(app);
  }
}

/** Send a chunk to the app's job, or keep it until the job is submitted. */
function relay(relays: WeakMap<AppDrop, Relay>, app: AppDrop, msg: StreamMsg): void {
  if (app.execStatus >= AppStates.FINISHED) return; // the app is done with its streams
  let r = relays.get(app);
  if (!r) relays.set(app, r = { pending: [], send: null });
  if (r.send) r.send(msg);
  else r.pending.push(msg);
}

/** A ModuleApp implementation with its own stream relays (one per class table). */
export function moduleApp(): AppImpl {
  const relays = new WeakMap<AppDrop, Relay>();
  return {
    run: (app) => runModule(app, relays),
    dataWritten(app, input, chunk) {
      const stream = app.streamingInputs.indexOf(input);
      // Views of a SharedArrayBuffer travel as they are; others are copied to just the chunk.
      const bytes = chunk.buffer instanceof SharedArrayBuffer ? chunk : chunk.slice();
      relay(relays, app, { type: "chunk", stream, bytes });
    },
    streamEnded(app, input, status) {
      relay(relays, app, { type: "end", stream: app.streamingInputs.indexOf(input), status });
    },
  };
}

/** Append-time check of the class's own parameters. */
export function checkModuleParams(params: Params): string | undefined {
  if (typeof params.module !== "string" || !params.module) {
    return `${MODULE_APP} needs a module parameter (a .js/.ts file path)`;
  }
  const fn = params.function;
  if (fn !== undefined && (typeof fn !== "string" || !/^[\p{L}_$][\p{L}\p{N}_$]*$/u.test(fn))) {
    return `function ${JSON.stringify(fn)} is not an export name`;
  }
  return undefined;
}

function realOrSame(p: string): string {
  try {
    return Deno.realPathSync(p);
  } catch {
    return p;
  }
}

/**
 * The append-time check a node runs on module apps: the module must be a file under one of
 * `roots` (the work dir first: relative paths are resolved against it). Stores the resolved
 * `file:` URL in the spec's params for the run.
 */
export function moduleAppChecker(roots: string[]): (spec: DropSpec) => void {
  const real = roots.map((r) => realOrSame(resolve(r)));
  return (spec) => {
    if (spec.cls.name !== MODULE_APP) return;
    const raw = String(spec.params.module);
    let path = raw.startsWith("file:") ? fileURLToPath(raw) : raw;
    path = resolve(real[0] ?? ".", path);
    try {
      path = Deno.realPathSync(path);
      if (!Deno.statSync(path).isFile) throw new Error("not a file");
    } catch {
      throw invalidGraph(`Drop ${spec.oid}: module ${raw} is not a file (${path})`);
    }
    if (!real.some((r) => path === r || path.startsWith(r.endsWith("/") ? r : `${r}/`))) {
      throw invalidGraph(
        `Drop ${spec.oid}: module ${raw} is outside the work dir and every --app-root (${
          real.join(", ")
        })`,
      );
    }
    spec.params.module = pathToFileURL(path).href;
  };
}
