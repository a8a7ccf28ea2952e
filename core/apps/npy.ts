/**
 * NumPy's `.npy` format (v1.0 written; v1.0-v3.0 read): how arrays travel between apps.
 * Little-endian numeric dtypes and booleans, C order. `<i8`/`<u8` data is a BigInt64Array /
 * BigUint64Array, as NumPy's int64 is; `toNumbers` gives plain numbers.
 */

export type NpyDtype =
  | "<f8"
  | "<f4"
  | "<i8"
  | "<i4"
  | "<i2"
  | "|i1"
  | "<u8"
  | "<u4"
  | "<u2"
  | "|u1"
  | "|b1";

export type NpyData =
  | Float64Array
  | Float32Array
  | BigInt64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | BigUint64Array
  | Uint32Array
  | Uint16Array
  | Uint8Array;

/** An n-dimensional array: `data.length` is the product of `shape` (1 for a 0-d array). */
export interface NdArray {
  readonly dtype: NpyDtype;
  readonly shape: readonly number[];
  readonly data: NpyData;
}

type Ctor = { new (buf: ArrayBuffer): NpyData; readonly BYTES_PER_ELEMENT: number };

const CTORS: Record<NpyDtype, Ctor> = {
  "<f8": Float64Array,
  "<f4": Float32Array,
  "<i8": BigInt64Array,
  "<i4": Int32Array,
  "<i2": Int16Array,
  "|i1": Int8Array,
  "<u8": BigUint64Array,
  "<u4": Uint32Array,
  "<u2": Uint16Array,
  "|u1": Uint8Array,
  "|b1": Uint8Array,
};

/** Byte-order spellings NumPy writes for the same little-endian dtype. */
function canonicalDtype(descr: string): NpyDtype | undefined {
  const d = descr.replace(/^=/, "<").replace(/^<([biu]1)$/, "|$1").replace(
    /^\|([fiu][248])$/,
    "<$1",
  );
  return d in CTORS ? d as NpyDtype : undefined;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

export function isNpy(bytes: Uint8Array): boolean {
  return bytes.length >= 10 && MAGIC.every((b, i) => bytes[i] === b);
}

export function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A new array of `dtype` holding `values` (numbers or bigints). */
export function ndarray(
  dtype: NpyDtype,
  shape: readonly number[],
  values: ArrayLike<number | bigint> = [],
): NdArray {
  const n = size(shape);
  const Ctor = CTORS[dtype];
  const data = new Ctor(new ArrayBuffer(n * Ctor.BYTES_PER_ELEMENT));
  const big = data instanceof BigInt64Array || data instanceof BigUint64Array;
  for (let i = 0; i < Math.min(n, values.length); i++) {
    const x = values[i]!;
    (data as unknown as (number | bigint)[])[i] = big
      ? BigInt(typeof x === "bigint" ? x : Math.trunc(x))
      : Number(x);
  }
  return { dtype, shape: [...shape], data };
}

/** The elements as plain numbers (int64 beyond 2^53 loses precision). */
export function toNumbers(a: NdArray): number[] {
  return Array.from(a.data as ArrayLike<number | bigint>, Number);
}

/** The `.npy` v1.0 bytes of an array. */
export function encodeNpy(a: NdArray): Uint8Array {
  if (a.data.length !== size(a.shape)) {
    throw new RangeError(`shape ${a.shape} does not match ${a.data.length} elements`);
  }
  const shape = a.shape.length === 1 ? `(${a.shape[0]},)` : `(${a.shape.join(", ")})`;
  let header = `{'descr': '${a.dtype}', 'fortran_order': False, 'shape': ${shape}, }`;
  // magic(6) + version(2) + length(2) + header + '\n', padded to a multiple of 64.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, " ") + "\n";
  if (header.length > 0xffff) throw new RangeError("npy header too long for v1.0");
  const body = new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength);
  const out = new Uint8Array(total + body.length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  out[8] = header.length & 0xff;
  out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(body, total);
  return out;
}

/** Parse `.npy` bytes; throws a TypeError saying what is wrong. */
export function decodeNpy(bytes: Uint8Array): NdArray {
  if (!isNpy(bytes)) throw new TypeError("not .npy data (no \\x93NUMPY magic)");
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wide = major >= 2;
  if (major < 1 || major > 3) throw new TypeError(`unsupported .npy version ${major}`);
  const hlen = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const start = wide ? 12 : 10;
  if (start + hlen > bytes.length) throw new TypeError(".npy header is truncated");
  const header = new TextDecoder().decode(bytes.subarray(start, start + hlen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw new TypeError(`malformed .npy header: ${header.trim()}`);
  }
  const dtype = canonicalDtype(descr);
  if (!dtype) throw new TypeError(`unsupported .npy dtype ${descr}`);
  const shape = shapeText.split(",").map((s) => s.trim()).filter(Boolean).map(Number);
  if (shape.some((n) => !Number.isInteger(n) || n < 0)) {
    throw new TypeError(`malformed .npy shape (${shapeText})`);
  }
  if (fortran === "True" && shape.length > 1) {
    throw new TypeError("Fortran-ordered .npy arrays are not supported");
  }
  const Ctor = CTORS[dtype];
  const nbytes = size(shape) * Ctor.BYTES_PER_ELEMENT;
  const off = start + hlen;
  if (off + nbytes > bytes.length) {
    throw new TypeError(`.npy data is truncated: ${bytes.length - off} of ${nbytes} bytes`);
  }
  // Copy: the data may not be aligned for a typed-array view.
  const buf = bytes.slice(off, off + nbytes).buffer;
  return { dtype, shape, data: new Ctor(buf) };
}

/** Rows `from..to` of an array along axis 0, as a new array. */
export function rows(a: NdArray, from: number, to: number): NdArray {
  const shape = a.shape.length ? a.shape : [1];
  const rowLen = size(shape.slice(1));
  const data = a.data.slice(from * rowLen, to * rowLen) as NpyData;
  return { dtype: a.dtype, shape: [to - from, ...shape.slice(1)], data };
}

/** NumPy's `array_split(a, n)` along axis 0: the first `len % n` parts get one row more. */
export function arraySplit(a: NdArray, n: number): NdArray[] {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`cannot split into ${n} parts`);
  const len = a.shape.length ? a.shape[0]! : 1;
  const base = Math.floor(len / n);
  const extra = len % n;
  const out: NdArray[] = [];
  let from = 0;
  for (let i = 0; i < n; i++) {
    const to = from + base + (i < extra ? 1 : 0);
    out.push(rows(a, from, to));
    from = to;
  }
  return out;
}
