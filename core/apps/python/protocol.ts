/**
 * Messages between the node and its Python workers. A frame is a u32 little-endian header
 * length, a JSON header, then the raw payloads whose byte sizes the header lists in `sizes`.
 * What a worker sends is validated here before anything acts on it.
 */
import * as v from "valibot";

const sizes = v.array(v.pipe(v.number(), v.integer(), v.minValue(0)));
/** Payloads passed through files of the pool's directory instead of the pipe (big ones). */
const files = v.optional(v.array(v.nullable(v.string())));
/** Addresses in the worker's memory (see vm.ts): null where a payload comes another way. */
const address = v.pipe(v.number(), v.safeInteger(), v.minValue(1));
const addrs = v.optional(v.array(v.nullable(address)));

/** The worker started: its Python version and whether numpy and dill import. */
export const ReadyMsg = v.object({
  type: v.literal("ready"),
  python: v.string(),
  numpy: v.boolean(),
  dill: v.boolean(),
  /** 32 bytes at an address of the worker (hex): reading them tells whether vm.ts works. */
  probe: v.optional(v.tuple([address, v.string()])),
  sizes,
});

/** The call returned: output i is the concatenation of the payloads listed at `outputs[i]`. */
export const DoneMsg = v.object({
  type: v.literal("done"),
  id: v.number(),
  outputs: v.array(v.array(v.pipe(v.number(), v.integer(), v.minValue(0)))),
  log: v.string(),
  sizes,
  files,
  addrs,
});

/** The worker made room for the call's inputs listed in `mem`: write them at `addrs`. */
export const FillMsg = v.object({
  type: v.literal("fill"),
  id: v.number(),
  addrs: v.array(address),
  sizes,
});

/** The function (or finding it, or reading its inputs) raised. */
export const ErrorMsg = v.object({
  type: v.literal("error"),
  id: v.number(),
  error: v.string(),
  traceback: v.string(),
  log: v.string(),
  sizes,
});

export const FromPython = v.variant("type", [ReadyMsg, DoneMsg, FillMsg, ErrorMsg]);
export type FromPython = v.InferOutput<typeof FromPython>;
export type DoneMsg = v.InferOutput<typeof DoneMsg>;
export type ErrorMsg = v.InferOutput<typeof ErrorMsg>;

/** One input of a call: its bytes travel as payload `payload`, or Python reads `path`. */
export interface CallInput {
  port: string;
  encoding: string;
  payload?: number;
  path?: string;
  url?: string;
}

/**
 * What the node asks a worker to run (everything but `id` and `sizes`; the pool adds `files`,
 * and `mem` and `vm` when it reads and writes the worker's memory).
 */
export interface CallMsg {
  func_name?: string;
  func_code?: string;
  func_defaults?: unknown;
  /** applicationArgs entries: value, usage, encoding, positional, type. */
  args?: Record<string, Record<string, unknown>>;
  /** Top-level parameters (applicationArgs values copied over them, as DALiuGE's loader does). */
  top?: Record<string, unknown>;
  inputs: CallInput[];
  outputs: { port: string; encoding: string }[];
  cwd?: string;
  env?: Record<string, string>;
}

const encoder = new TextEncoder();

/** The header of a frame (length prefix included) for `head` and payloads of `sizes`. */
export function frameHeader(
  head: Record<string, unknown>,
  sizes: number[],
  files?: (string | null)[],
): Uint8Array {
  const json = encoder.encode(JSON.stringify({ ...head, sizes, ...(files ? { files } : {}) }));
  const out = new Uint8Array(4 + json.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  return out;
}
