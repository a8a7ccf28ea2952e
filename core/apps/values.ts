/**
 * How values travel between apps (documented in README, "Values between apps"): arrays as
 * NumPy `.npy` v1.0 bytes, everything else (numbers, strings, booleans, null, lists, objects)
 * as UTF-8 JSON. Never Python pickle. Reading also accepts plain text (the bytes of a string
 * that is not JSON, e.g. HelloWorldApp's greeting) and an empty Drop (null).
 */
import type { DataDrop } from "../drops/mod.ts";
import { decodeNpy, encodeNpy, isNpy, type NdArray, ndarray, toNumbers } from "./npy.ts";
import { decodePickle, isPickle, type PickleValue } from "./pickle.ts";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type Value = NdArray | Json;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function isNdArray(v: unknown): v is NdArray {
  return typeof v === "object" && v !== null && "dtype" in v && "shape" in v && "data" in v &&
    ArrayBuffer.isView((v as NdArray).data);
}

/** The bytes of a value: `.npy` for an array, JSON for the rest. */
export function encodeValue(v: Value): Uint8Array {
  if (isNdArray(v)) return encodeNpy(v);
  return encoder.encode(JSON.stringify(v));
}

/** A pickled value as apps see values: bytes become their UTF-8 text. */
function fromPickle(v: PickleValue): Value {
  if (v instanceof Uint8Array) return decoder.decode(v);
  if (Array.isArray(v)) return v.map(fromPickle) as Json[];
  if (v && typeof v === "object" && !isNdArray(v)) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fromPickle(x)])) as Json;
  }
  return v as Value;
}

/**
 * The value in some bytes: `.npy`, a pickle of plain values (Python apps' default encoding),
 * else JSON, else the text itself; empty is null.
 */
export function decodeValue(bytes: Uint8Array): Value {
  if (bytes.length === 0) return null;
  if (isNpy(bytes)) return decodeNpy(bytes);
  if (isPickle(bytes)) {
    try {
      return fromPickle(decodePickle(bytes));
    } catch (e) {
      throw new Error(
        `${(e as Error).message}; dlg-ts apps read pickles of plain values and numpy arrays ` +
          `only: give the Python output port encoding npy (arrays), eval or utf-8 instead`,
      );
    }
  }
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text) as Json;
  } catch {
    return text;
  }
}

/** The value held by a data Drop. */
export function readValue(d: DataDrop): Value {
  return decodeValue(d.store.bytes());
}

/** One number from a value: a number, a numeric string, or a one-element array or list. */
export function asNumber(v: Value): number | undefined {
  if (typeof v === "number") return Number.isFinite(v) ? v : undefined;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  if (typeof v === "boolean") return Number(v);
  if (isNdArray(v) && v.data.length === 1) return toNumbers(v)[0];
  if (Array.isArray(v) && v.length === 1) return asNumber(v[0]!);
  return undefined;
}

/**
 * A value as an array, as NumPy's `np.array(value)` would see it: arrays as they are; a list of
 * numbers (or of equal-length number lists) becomes int64 when all are integers, else float64;
 * a single number becomes a 0-d array. Anything else is a TypeError.
 */
export function asArray(v: Value): NdArray {
  if (isNdArray(v)) return v;
  if (typeof v === "number" || typeof v === "boolean") return toArray([Number(v)], []);
  if (Array.isArray(v)) {
    if (v.every((x) => typeof x === "number" || typeof x === "boolean")) {
      return toArray(v.map(Number), [v.length]);
    }
    const inner = v.map((x) => (Array.isArray(x) ? x : null));
    const width = inner[0]?.length;
    if (
      width !== undefined &&
      inner.every((x) => x !== null && x.length === width && x.every((y) => typeof y === "number"))
    ) {
      return toArray(inner.flatMap((x) => x as number[]), [v.length, width]);
    }
  }
  throw new TypeError(`expected an array or a list of numbers, got ${describe(v)}`);
}

function toArray(values: number[], shape: number[]): NdArray {
  const ints = values.every((x) => Number.isSafeInteger(x));
  return ndarray(ints ? "<i8" : "<f8", shape, values);
}

/** A short description of a value for error messages. */
export function describe(v: Value): string {
  if (isNdArray(v)) return `a ${v.dtype} array of shape (${v.shape.join(", ")})`;
  if (v === null) return "nothing (null)";
  if (Array.isArray(v)) return `a list of ${v.length}`;
  const s = JSON.stringify(v);
  return `${typeof v} ${s.length > 40 ? `${s.slice(0, 40)}...` : s}`;
}
