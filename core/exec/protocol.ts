/**
 * The messages between the main thread and pool workers, validated with valibot on receipt on
 * both sides. Data never travels in them: memory Drops go as their SharedArrayBuffer (shared,
 * not copied); only posted-mode writes and streamed chunks of non-memory Drops carry bytes.
 */
import * as v from "valibot";

const Sab = v.instance(SharedArrayBuffer, "expected a SharedArrayBuffer");
const Bytes = v.custom<Uint8Array>((x) => x instanceof Uint8Array, "expected a Uint8Array");
const Index = v.pipe(v.number(), v.integer(), v.minValue(0));
const Size = v.pipe(v.number(), v.integer(), v.minValue(0));
const Job = v.pipe(v.number(), v.integer());

const Named = {
  oid: v.string(),
  uid: v.string(),
  /** Port name when the graph gave one, else the uid. */
  name: v.string(),
};

/** An input: memory (the Drop's buffer and committed size), a file path, or nothing. */
export const InputRef = v.object({
  ...Named,
  buffer: v.nullable(Sab),
  size: Size,
  path: v.optional(v.string()),
});

/**
 * An output. With `buffer` the worker writes into it directly from offset `size`, growing it in
 * place up to its maxByteLength (past that it moves the data once and sends `swap`); without,
 * each write is posted to the main thread (files, Drops with several producers).
 */
export const OutputRef = v.object({
  ...Named,
  buffer: v.optional(Sab),
  size: Size,
});

export const RunMsg = v.object({
  type: v.literal("run"),
  job: Job,
  /** A module URL (file:) and the name of an exported function. */
  module: v.string(),
  fn: v.string(),
  params: v.record(v.string(), v.unknown()),
  app: v.object({ oid: v.string(), uid: v.string(), sessionId: v.string() }),
  inputs: v.array(InputRef),
  outputs: v.array(OutputRef),
  streams: v.array(v.object(Named)),
});

/** Main -> worker. */
export const ToWorker = v.variant("type", [
  RunMsg,
  v.object({ type: v.literal("chunk"), job: Job, stream: Index, bytes: Bytes }),
  v.object({ type: v.literal("end"), job: Job, stream: Index, status: v.number() }),
]);

/** Worker -> main. */
export const FromWorker = v.variant("type", [
  /** Shared output: bytes up to `size` are written. */
  v.object({ type: v.literal("wrote"), job: Job, output: Index, size: Size }),
  /** Shared output outgrew its reservation: the data now lives in `buffer`. */
  v.object({ type: v.literal("swap"), job: Job, output: Index, buffer: Sab }),
  /** Posted output: append `bytes`. */
  v.object({ type: v.literal("write"), job: Job, output: Index, bytes: Bytes }),
  v.object({
    type: v.literal("log"),
    job: Job,
    level: v.picklist(["INFO", "WARNING", "ERROR"]),
    message: v.string(),
  }),
  v.object({ type: v.literal("done"), job: Job }),
  v.object({ type: v.literal("failed"), job: Job, message: v.string(), stack: v.string() }),
  /** The worker is going away (the app called close() or Deno.exit()). */
  v.object({ type: v.literal("crashed"), reason: v.string() }),
]);

export type InputRef = v.InferOutput<typeof InputRef>;
export type OutputRef = v.InferOutput<typeof OutputRef>;
export type RunMsg = v.InferOutput<typeof RunMsg>;
export type ToWorkerMsg = v.InferOutput<typeof ToWorker>;
export type FromWorkerMsg = v.InferOutput<typeof FromWorker>;
/** Messages a running job sends on to its owner (everything but done/failed/crashed). */
export type JobEvent = Extract<FromWorkerMsg, { type: "wrote" | "swap" | "write" | "log" }>;
