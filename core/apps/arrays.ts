/**
 * DALiuGE's array apps (`dlg.apps.simple.*`): RandomArrayApp, GenericScatterApp, PickOne and
 * ArrayGatherApp. Values travel in the encoding of `values.ts` (`.npy` arrays, JSON scalars).
 */
import type { AppDrop, AppImpl, DataDrop } from "../drops/mod.ts";
import { declaredOutputs } from "./order.ts";
import { arraySplit, type NdArray, ndarray, rows, size, toNumbers } from "./npy.ts";
import {
  asArray,
  describe,
  encodeValue,
  isNdArray,
  type Json,
  readValue,
  type Value,
} from "./values.ts";

function num(app: AppDrop, name: string, fallback: number): number {
  const v = app.params[name];
  return typeof v === "number" ? v : fallback;
}

function needOutputs(app: AppDrop): void {
  if (app.outputs.length < 1) throw new Error(`${app.oid} needs at least one output`);
}

/** `size` random numbers: int64 in [low, high) when `integer` (default), else float64. */
export const RandomArrayApp: AppImpl = {
  run(app) {
    needOutputs(app);
    const n = num(app, "size", 100);
    if (!Number.isInteger(n) || n < 0) throw new Error(`size must be a count, not ${n}`);
    const low = num(app, "low", 0);
    const high = num(app, "high", 100);
    let array: NdArray;
    if (app.params.integer !== false) {
      const lo = Math.trunc(low);
      const hi = Math.trunc(high);
      if (hi <= lo) throw new Error(`low (${lo}) must be less than high (${hi})`);
      const values = new Array<number>(n);
      for (let i = 0; i < n; i++) values[i] = lo + Math.floor(Math.random() * (hi - lo));
      array = ndarray("<i8", [n], values);
    } else {
      const values = new Array<number>(n);
      for (let i = 0; i < n; i++) values[i] = (Math.random() + low) * high;
      array = ndarray("<f8", [n], values);
    }
    const bytes = encodeValue(array);
    for (const o of app.outputs) o.write(bytes);
  },
};

/**
 * The first input, as an array, split along its first axis into `num_of_copies` parts (NumPy's
 * `array_split`); part i goes to output i (in the spec's `outputs` order). Without
 * `num_of_copies`, one part per output.
 */
export const GenericScatterApp: AppImpl = {
  run(app) {
    const input = app.inputs[0];
    if (!input) throw new Error(`${app.oid} needs an input to scatter`);
    const n = num(app, "num_of_copies", app.outputs.length);
    if (app.outputs.length < n) {
      throw new Error(`num_of_copies is ${n} but there are only ${app.outputs.length} outputs`);
    }
    const value = readValue(input);
    const outputs = declaredOutputs(app);
    if (Array.isArray(value) && !isNumeric(value)) {
      // A list of other values (e.g. strings from a Python app): split as array_split would.
      const parts = listSplit(value, n);
      for (let i = 0; i < n; i++) outputs[i]!.write(encodeValue(parts[i]!));
      return;
    }
    const array = asArray(value);
    if (array.shape.length === 0) throw new Error(`cannot scatter ${describe(value)}`);
    const parts = arraySplit(array, n);
    for (let i = 0; i < n; i++) outputs[i]!.write(encodeValue(parts[i]!));
  },
};

function isNumeric(list: Json[]): boolean {
  return list.every((x) =>
    typeof x === "number" || typeof x === "boolean" ||
    (Array.isArray(x) && x.every((y) => typeof y === "number"))
  );
}

/** `list` in `n` parts, the first `length % n` one longer (NumPy's `array_split`). */
export function listSplit(list: Json[], n: number): Json[][] {
  const base = Math.floor(list.length / n);
  const extra = list.length % n;
  const out: Json[][] = [];
  let off = 0;
  for (let i = 0; i < n; i++) {
    const len = base + (i < extra ? 1 : 0);
    out.push(list.slice(off, off + len));
    off += len;
  }
  return out;
}

/** Element `i` of an array: a number (or boolean) for 1-d, a sub-array otherwise. */
function element(a: NdArray, i: number): Value {
  if (a.shape.length <= 1) {
    const x = Number(a.data[i]!);
    return a.dtype === "|b1" ? x !== 0 : x;
  }
  const r = rows(a, i, i + 1);
  return { dtype: r.dtype, shape: r.shape.slice(1), data: r.data };
}

function isRest(app: AppDrop, o: DataDrop): boolean {
  return o.name === "rest_array" || app.ports?.[o.oid] === "rest_array";
}

/**
 * The first element of the input array goes to every output except the one named
 * `rest_array` (by Drop name, as DALiuGE, or port), which gets the rest of the array.
 * An empty array gives null and an empty rest.
 */
export const PickOne: AppImpl = {
  run(app) {
    const input = app.inputs[0];
    if (!input) throw new Error(`${app.oid} needs an input array`);
    let a = asArray(readValue(input));
    if (a.shape.length === 0) a = { ...a, shape: [1] };
    const len = a.shape[0]!;
    const first = len ? encodeValue(element(a, 0)) : encodeValue(null);
    const rest = encodeValue(rows(a, Math.min(1, len), len));
    for (const o of app.outputs) o.write(isRest(app, o) ? rest : first);
  },
};

/** An array as nested JSON lists. */
export function toJson(a: NdArray): Json {
  const flat: Json[] = a.dtype === "|b1" ? toNumbers(a).map((x) => x !== 0) : toNumbers(a);
  if (a.shape.length === 0) return flat[0]!;
  const nest = (dims: readonly number[], off: number): Json[] => {
    if (dims.length === 1) return flat.slice(off, off + dims[0]!);
    const step = size(dims.slice(1));
    return Array.from({ length: dims[0]! }, (_, i) => nest(dims.slice(1), off + i * step));
  };
  return nest(a.shape, 0);
}

/**
 * The values of all inputs, in input order, as one list into every output: stacked into one
 * `.npy` array when every value is a number or all are arrays of one dtype and shape,
 * otherwise a JSON list (arrays as nested lists).
 */
export const ArrayGatherApp: AppImpl = {
  run(app) {
    needOutputs(app);
    const values = app.inputs.map(readValue);
    const bytes = encodeValue(gather(values));
    for (const o of app.outputs) o.write(bytes);
  },
};

export function gather(values: Value[]): Value {
  if (values.length && values.every((v) => typeof v === "number")) {
    return asArray(values as number[]);
  }
  const first = values[0];
  if (
    isNdArray(first) &&
    values.every((v) =>
      isNdArray(v) && v.dtype === first.dtype && v.shape.join() === first.shape.join()
    )
  ) {
    const arrays = values as NdArray[];
    const out = ndarray(first.dtype, [arrays.length, ...first.shape]);
    const step = first.data.length;
    arrays.forEach((a, i) =>
      (out.data as unknown as { set(x: unknown, o: number): void }).set(a.data, i * step)
    );
    return out;
  }
  return values.map((v) => (isNdArray(v) ? toJson(v) : v));
}
