/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />
/**
 * Pool worker entry: runs one module-app job at a time. Loaded by URL from source
 * (`new URL("./worker.ts", import.meta.url)`); imports only files of this folder, core/memory,
 * valibot and node:os, so it bundles into one self-contained file.
 */
import { setPriority } from "node:os";
import * as v from "valibot";
import { ChunkFeed } from "./chunk_feed.ts";
import { type ClosableWriter, openWriter, type Post } from "./_writers.ts";
import type { InputView, ModuleContext, StreamInput } from "./module_api.ts";
import { type InputRef, type RunMsg, ToWorker } from "./protocol.ts";
import { weigh } from "../memory/mod.ts";

const post: Post = (msg, transfer = []) => self.postMessage(msg, transfer);

// Apps give way to the manager's own thread (status, events, deploys) when the cores are full:
// on Linux a thread has its own nice value, and this one runs at 10. Best effort: it needs
// `--allow-sys=setPriority`, and elsewhere it would lower the whole process.
// Asked first, so that a terminal never sees a permission prompt for it.
const sys = { name: "sys", kind: "setPriority" } as const;
if (Deno.build.os === "linux" && Deno.permissions.querySync(sys).state === "granted") {
  try {
    setPriority(0, 10);
  } catch { /* e.g. already lower: keep it */ }
}
const decoder = new TextDecoder();
const ERROR = 3;

// An app that closes its worker or exits would leave its job hanging: say so first.
const realClose = self.close.bind(self);
self.close = () => {
  post({ type: "crashed", reason: "the app closed its worker" });
  realClose();
};
const realExit = Deno.exit;
Object.defineProperty(Deno, "exit", {
  configurable: true,
  writable: true,
  value: (code?: number): never => {
    post({ type: "crashed", reason: `the app called Deno.exit(${code ?? 0})` });
    return realExit(code);
  },
});

// An uncaught error or rejection of the app: report it with its stack; the pool replaces us.
self.addEventListener("error", (e) => {
  e.preventDefault();
  const err = e.error instanceof Error ? e.error : undefined;
  post({ type: "crashed", reason: `uncaught ${err?.stack ?? e.message}` });
});
self.addEventListener("unhandledrejection", (e) => {
  e.preventDefault();
  const err = e.reason instanceof Error ? e.reason : undefined;
  post({ type: "crashed", reason: `unhandled rejection ${err?.stack ?? String(e.reason)}` });
});

interface Job {
  id: number;
  streams: (StreamInput & { feed: ChunkFeed })[];
}
let current: Job | null = null;

self.onmessage = (e: MessageEvent) => {
  const r = v.safeParse(ToWorker, e.data);
  if (!r.success) {
    const job = typeof e.data?.job === "number" ? e.data.job : -1;
    const message = `invalid message to worker: ${r.issues[0]?.message ?? "?"}`;
    post({ type: "failed", job, message, stack: message });
    return;
  }
  const msg = r.output;
  if (msg.type === "run") return void run(msg);
  const stream = current?.id === msg.job ? current.streams[msg.stream] : undefined;
  if (!stream) return;
  if (msg.type === "chunk") stream.feed.push(msg.bytes);
  else if (msg.status === ERROR) {
    stream.feed.end(new Error(`streaming input ${stream.name} failed`));
  } else stream.feed.end();
};

function inputView(ref: InputRef): InputView {
  // This isolate's own handle on the buffer: weighed here too, or it may keep it alive long after
  // the job (a worker with little garbage of its own seldom collects).
  let bytes: Uint8Array | undefined = ref.buffer
    ? new Uint8Array(weigh(ref.buffer), 0, ref.size)
    : undefined;
  const get = () => (bytes ??= ref.path ? Deno.readFileSync(ref.path) : new Uint8Array(0));
  return {
    oid: ref.oid,
    uid: ref.uid,
    name: ref.name,
    get bytes() {
      return get();
    },
    text: () => decoder.decode(get()),
  };
}

function byName<T extends { oid: string; uid: string; name: string }>(list: readonly T[]) {
  return (n: string) =>
    list.find((x) => x.name === n) ?? list.find((x) => x.uid === n || x.oid === n);
}

async function run(msg: RunMsg): Promise<void> {
  const streams = msg.streams.map((s) => {
    const feed = new ChunkFeed();
    return { ...s, feed, [Symbol.asyncIterator]: () => feed[Symbol.asyncIterator]() };
  });
  const job: Job = { id: msg.job, streams };
  current = job;
  const writers: ClosableWriter[] = msg.outputs.map((o, index) =>
    openWriter(o, { index, job: msg.job, post })
  );
  const inputs = msg.inputs.map(inputView);
  const ctx: ModuleContext = {
    app: msg.app,
    params: msg.params,
    inputs,
    outputs: writers,
    streams,
    input: byName(inputs),
    output: byName(writers),
    stream: byName(streams),
    log: (message, level = "INFO") =>
      post({ type: "log", job: msg.job, level, message: String(message) }),
  };
  try {
    const mod = await import(msg.module);
    const fn = mod[msg.fn];
    if (typeof fn !== "function") {
      throw new TypeError(`${msg.module} does not export a function named ${msg.fn}`);
    }
    await fn(ctx);
    for (const w of writers) w.close();
    post({ type: "done", job: msg.job });
  } catch (e) {
    for (const w of writers) w.abandon();
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "failed", job: msg.job, message: err.message, stack: err.stack ?? err.message });
  } finally {
    if (current === job) current = null;
  }
}
