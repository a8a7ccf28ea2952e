/**
 * Python pickles of plain values, read and written without running Python: None, bool, int,
 * float, str, bytes, list, tuple, dict (and set), plus NumPy arrays (pickle's and dill's
 * `_reconstruct` form, rebuilt as `.npy`) and NumPy scalars (as 0-d arrays), from numpy 1 or 2.
 * Nothing is ever executed: any other class is an error naming it, so the graph can switch that
 * port's encoding.
 */
import { decodeNpy, type NdArray } from "./npy.ts";
import type { Json } from "./values.ts";

export type PickleValue = Json | NdArray | Uint8Array | PickleValue[] | {
  [k: string]: PickleValue;
};

/** A pickle this side cannot read (a class it does not know, a malformed stream). */
export class PickleError extends Error {}

const GLOBALS = new Set([
  "numpy.core.multiarray._reconstruct",
  "numpy.core.multiarray.scalar",
  "numpy.ndarray",
  "numpy.dtype",
  "dill._dill._create_array",
]);

/** Intermediate objects while rebuilding a NumPy array. */
interface Global {
  global: string;
}
interface Dtype {
  dtype: string;
  endian: string;
}
interface ArrayStub {
  array: NdArray | null;
}
type Item = PickleValue | Global | Dtype | ArrayStub | typeof MARK;
const MARK = Symbol("mark");
const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** True when `bytes` look like a pickle of protocol 2 or later. */
export function isPickle(bytes: Uint8Array): boolean {
  return bytes.length > 2 && bytes[0] === 0x80 && bytes[1]! >= 2 && bytes[1]! <= 5;
}

function npyOf(d: Dtype, shape: number[], raw: Uint8Array, fortran: boolean): NdArray {
  const descr = `${/^[biu]1$/.test(d.dtype) ? "|" : d.endian === "|" ? "<" : d.endian}${d.dtype}`;
  const head = `{'descr': '${descr}', 'fortran_order': ${fortran ? "True" : "False"}, 'shape': (${
    shape.join(", ")
  }${shape.length === 1 ? "," : ""}), }`;
  const h = encoder.encode(head.padEnd(Math.ceil((head.length + 11) / 64) * 64 - 11) + "\n");
  const out = new Uint8Array(10 + h.length + raw.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, h.length & 0xff, h.length >> 8]);
  out.set(h, 10);
  out.set(raw, 10 + h.length);
  try {
    return decodeNpy(out);
  } catch (e) {
    throw new PickleError(`a numpy array of dtype ${descr}: ${(e as Error).message}`);
  }
}

export function decodePickle(bytes: Uint8Array): PickleValue {
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: Item[] = [];
  const memo: Item[] = [];
  let pos = 0;
  const need = (n: number) => {
    if (pos + n > bytes.length) throw new PickleError("the pickle is truncated");
    const at = pos;
    pos += n;
    return at;
  };
  const u8 = () => bytes[need(1)]!;
  const u32 = () => dv.getUint32(need(4), true);
  const u64 = () => Number(dv.getBigUint64(need(8), true));
  const take = (n: number) => bytes.slice(need(n), pos);
  const text = (n: number) => decoder.decode(bytes.subarray(need(n), pos));
  const pop = () => {
    const x = stack.pop();
    if (x === undefined || x === MARK) throw new PickleError("the pickle's stack is malformed");
    return x;
  };
  const popMark = () => {
    const i = stack.lastIndexOf(MARK);
    if (i < 0) throw new PickleError("the pickle has no MARK");
    const items = stack.splice(i + 1);
    stack.pop();
    return items as PickleValue[];
  };
  const top = () => stack[stack.length - 1];
  const long = (n: number) => {
    let x = 0n;
    for (let i = n - 1; i >= 0; i--) x = (x << 8n) | BigInt(bytes[pos + i]!);
    need(n);
    if (n && bytes[pos - 1]! & 0x80) x -= 1n << BigInt(8 * n);
    return Number(x);
  };
  const setItems = (d: unknown, kv: PickleValue[]) => {
    if (!isDict(d)) throw new PickleError("SETITEMS on something that is not a dict");
    for (let i = 0; i + 1 < kv.length; i += 2) d[String(kv[i])] = kv[i + 1]!;
  };
  while (true) {
    const op = u8();
    switch (op) {
      case 0x80:
        u8();
        break; // PROTO
      case 0x95:
        need(8);
        break; // FRAME
      case 0x2e:
        return finish(pop()); // STOP
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break;
      case 0x89:
        stack.push(false);
        break;
      case 0x4a:
        stack.push(dv.getInt32(need(4), true));
        break; // BININT
      case 0x4b:
        stack.push(u8());
        break; // BININT1
      case 0x4d:
        stack.push(dv.getUint16(need(2), true));
        break; // BININT2
      case 0x8a:
        stack.push(long(u8()));
        break; // LONG1
      case 0x8b:
        stack.push(long(u32()));
        break; // LONG4
      case 0x47:
        stack.push(dv.getFloat64(need(8), false));
        break; // BINFLOAT
      case 0x8c:
        stack.push(text(u8()));
        break; // SHORT_BINUNICODE
      case 0x58:
        stack.push(text(u32()));
        break; // BINUNICODE
      case 0x8d:
        stack.push(text(u64()));
        break; // BINUNICODE8
      case 0x43:
        stack.push(take(u8()));
        break; // SHORT_BINBYTES
      case 0x42:
        stack.push(take(u32()));
        break; // BINBYTES
      case 0x8e:
      case 0x96:
        stack.push(take(u64()));
        break; // BINBYTES8, BYTEARRAY8
      case 0x5d:
      case 0x29:
      case 0x8f:
        stack.push([]);
        break; // EMPTY_LIST/TUPLE/SET
      case 0x7d:
        stack.push({});
        break; // EMPTY_DICT
      case 0x28:
        stack.push(MARK);
        break;
      case 0x61: {
        const x = pop();
        asList(top()).push(x as PickleValue);
        break;
      } // APPEND
      case 0x65:
      case 0x90: {
        const xs = popMark();
        asList(top()).push(...xs);
        break;
      }
      case 0x6c:
      case 0x74:
      case 0x91:
        stack.push(popMark());
        break; // LIST, TUPLE, FROZENSET
      case 0x85:
        stack.push([pop() as PickleValue]);
        break; // TUPLE1
      case 0x86: {
        const b = pop(), a = pop();
        stack.push([a, b] as PickleValue[]);
        break;
      }
      case 0x87: {
        const c = pop(), b = pop(), a = pop();
        stack.push([a, b, c] as PickleValue[]);
        break;
      }
      case 0x64: {
        const d = {};
        setItems(d, popMark());
        stack.push(d);
        break;
      } // DICT
      case 0x73: {
        const v = pop(), k = pop();
        setItems(top(), [k, v] as PickleValue[]);
        break;
      }
      case 0x75: {
        const kv = popMark();
        setItems(top(), kv);
        break;
      } // SETITEMS
      case 0x94:
        memo.push(top()!);
        break; // MEMOIZE
      case 0x71:
        memo[u8()] = top()!;
        break; // BINPUT
      case 0x72:
        memo[u32()] = top()!;
        break; // LONG_BINPUT
      case 0x68:
      case 0x6a: { // BINGET, LONG_BINGET
        const x = memo[op === 0x68 ? u8() : u32()];
        if (x === undefined) throw new PickleError("the pickle refers to a missing memo entry");
        stack.push(x);
        break;
      }
      case 0x93: {
        const name = pop(), mod = pop();
        stack.push(global(`${mod}.${name}`));
        break;
      }
      case 0x63: { // GLOBAL: "module\nname\n"
        const end1 = bytes.indexOf(0x0a, pos), end2 = bytes.indexOf(0x0a, end1 + 1);
        if (end1 < 0 || end2 < 0) throw new PickleError("the pickle is truncated");
        const mod = text(end1 - pos), _n1 = u8(), name = text(end2 - pos), _n2 = u8();
        stack.push(global(`${mod}.${name}`));
        break;
      }
      case 0x52: {
        const args = pop(), fn = pop();
        stack.push(reduce(fn, args));
        break;
      }
      case 0x62: {
        const state = pop();
        build(top(), state);
        break;
      } // BUILD
      default:
        throw new PickleError(`pickle opcode 0x${op.toString(16)} is not read here`);
    }
  }
}

function global(name: string): Global {
  // numpy 2 pickles numpy._core.* where numpy 1 pickled numpy.core.* (numpy.dtype is unchanged).
  const known = name.replace(/^numpy\._core\./, "numpy.core.");
  if (!GLOBALS.has(known)) {
    throw new PickleError(`the pickle holds ${name}, which only Python can load`);
  }
  return { global: known };
}

function isDict(x: unknown): x is Record<string, PickleValue> {
  return typeof x === "object" && x !== null && !Array.isArray(x) && !ArrayBuffer.isView(x) &&
    !("global" in x) && !("dtype" in x) && !("array" in x);
}

function asList(x: Item | undefined): PickleValue[] {
  if (!Array.isArray(x)) throw new PickleError("APPEND on something that is not a list");
  return x;
}

function reduce(fn: Item, args: Item): Item {
  const name = (fn as Global).global;
  const a = args as Item[];
  if (name === "numpy.dtype") return { dtype: String(a[0]), endian: "<" };
  if (name === "numpy.core.multiarray._reconstruct") return { array: null };
  if (name === "numpy.core.multiarray.scalar") return scalar(a[0]!, a[1]!);
  if (name === "dill._dill._create_array") {
    const stub = reduce(a[0]!, a[1]!);
    build(stub, a[2]!);
    return stub;
  }
  throw new PickleError(`the pickle calls ${String(name)}, which only Python can run`);
}

/** A numpy scalar, `scalar(dtype, raw bytes)`, as a 0-d array. */
function scalar(dtype: Item, raw: Item): ArrayStub {
  if (!(raw instanceof Uint8Array)) throw new PickleError("a numpy scalar of a Python object");
  return { array: npyOf(dtype as Dtype, [], raw, false) };
}

function build(obj: Item | undefined, state: Item): void {
  const s = state as Item[];
  if (obj && typeof obj === "object" && "endian" in obj) {
    (obj as Dtype).endian = String(s[1] ?? "<");
  } else if (obj && typeof obj === "object" && "array" in obj) {
    const [, shape, dtype, fortran, raw] = s as [number, number[], Dtype, boolean, Uint8Array];
    if (!(raw instanceof Uint8Array)) throw new PickleError("a numpy array of Python objects");
    (obj as ArrayStub).array = npyOf(dtype, shape, raw, fortran);
  } else throw new PickleError("the pickle sets the state of an object only Python can build");
}

function finish(x: Item): PickleValue {
  if (x && typeof x === "object" && "array" in x) {
    if (!x.array) throw new PickleError("an incomplete numpy array");
    return x.array;
  }
  if (Array.isArray(x)) return x.map(finish);
  if (x instanceof Uint8Array) return x;
  if (x && typeof x === "object") {
    if ("global" in x || "dtype" in x) throw new PickleError("the pickle holds a Python class");
    const out: Record<string, PickleValue> = {};
    for (const [k, v] of Object.entries(x)) out[k] = finish(v as Item);
    return out;
  }
  return x as PickleValue;
}

/**
 * A pickle (protocol 4, no frames) of a plain value, loadable by Python's `pickle` and `dill`:
 * null as None, numbers as int (integers) or float, strings, bytes, lists, string-keyed dicts.
 */
export function encodePickle(value: unknown): Uint8Array {
  const parts: number[] = [0x80, 4];
  const u32 = (n: number) => parts.push(n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >>> 24);
  const bytesOf = (op1: number, op4: number, b: Uint8Array) => {
    if (b.length < 256) parts.push(op1, b.length);
    else (parts.push(op4), u32(b.length));
    for (const x of b) parts.push(x);
  };
  const put = (v: unknown): void => {
    if (v === null || v === undefined) parts.push(0x4e);
    else if (typeof v === "boolean") parts.push(v ? 0x88 : 0x89);
    else if (typeof v === "number" && Number.isSafeInteger(v)) int(BigInt(v));
    else if (typeof v === "bigint") int(v);
    else if (typeof v === "number") {
      const b = new DataView(new ArrayBuffer(8));
      b.setFloat64(0, v, false);
      parts.push(0x47, ...new Uint8Array(b.buffer));
    } else if (typeof v === "string") bytesOf(0x8c, 0x58, encoder.encode(v));
    else if (v instanceof Uint8Array) bytesOf(0x43, 0x42, v);
    else if (Array.isArray(v)) {
      parts.push(0x5d, 0x28);
      v.forEach(put);
      parts.push(0x65);
    } else if (typeof v === "object" && !ArrayBuffer.isView(v)) {
      parts.push(0x7d, 0x28);
      for (const [k, x] of Object.entries(v)) (put(k), put(x));
      parts.push(0x75);
    } else throw new PickleError(`cannot pickle ${typeof v} here; use encoding npy or json`);
  };
  const int = (n: bigint) => {
    if (n >= 0n && n < 256n) return parts.push(0x4b, Number(n));
    if (n >= -(2n ** 31n) && n < 2n ** 31n) return (parts.push(0x4a), u32(Number(n) >>> 0));
    const out: number[] = [];
    let x = n;
    do {
      out.push(Number(x & 0xffn));
      x >>= 8n;
    } while (
      !(x === 0n && !(out[out.length - 1]! & 0x80)) && !(x === -1n && out[out.length - 1]! & 0x80)
    );
    parts.push(0x8a, out.length, ...out);
  };
  put(value);
  parts.push(0x2e);
  return new Uint8Array(parts);
}
