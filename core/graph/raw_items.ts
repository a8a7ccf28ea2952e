/**
 * A light read of a `graph/append` body for a master: each element keeps where its bytes lie so
 * it can be forwarded as received. A large element (a translator spec with ~6 KB of metadata)
 * is read light: only the top-level keys the master routes by (oid, uid, node, island, the link
 * lists, rmode) are parsed, every other value skipped, and a copy with changed link lists has
 * only those re-serialised. Small elements are found by a byte scan and parsed in one native
 * `JSON.parse` per run of them: for ~150-byte specs that is 2-3x faster than reading keys in JS.
 * Not a validator: values it skips are checked by whoever parses them (the nodes).
 */
import { LINK_KEYS } from "../wire/mod.ts";

/** Where a light element came from (a symbol key: object spread copies it, JSON ignores it). */
export const RAW: unique symbol = Symbol("raw element");

export interface RawElement {
  bytes: Uint8Array;
  start: number;
  end: number;
  /** The light element itself, to tell which link lists a copy of it changed. */
  item: Record<string, unknown>;
  /** Byte ranges of the parsed values, by key; none when the element was parsed in full. */
  values?: Map<string, [number, number]>;
  /** How many keys a light element has (`{}` is DALiuGE's trailing metadata element). */
  nKeys?: number;
}

/** Elements up to this many bytes are parsed in full (natively), larger ones read light. */
const FULL_UP_TO = 2048;

export type LightItem = Record<string, unknown> & { [RAW]?: RawElement };

/** What a master routes by, and what tells a spec's class (checked before forwarding). */
const WANTED = new Set<string>([
  "oid",
  "uid",
  "node",
  "island",
  "rmode",
  ...LINK_KEYS,
  "categoryType",
  "dropclass",
  "appclass",
  "Application",
  "storage",
]);
const decoder = new TextDecoder();

export function isSpace(c: number | undefined): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/** The first index from `i` on that is not JSON whitespace (or the length). */
export function skipSpace(b: Uint8Array, i: number): number {
  while (i < b.length && isSpace(b[i])) i++;
  return i;
}

/** Index after the string starting at `i` (a quote), or -1. */
function skipString(b: Uint8Array, i: number): number {
  for (i++; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x22) return i + 1;
    if (c === 0x5c) i++;
  }
  return -1;
}

/**
 * Index after the value starting at `i`, or -1 (also for an object or array that does not end
 * within `max` bytes).
 */
export function skipValue(b: Uint8Array, i: number, max = Infinity): number {
  const c = b[i];
  if (c === 0x22) return skipString(b, i);
  if (c === 0x7b || c === 0x5b) {
    const n = Math.min(b.length, i + max);
    let depth = 0;
    for (; i < n; i++) {
      const d = b[i]!;
      if (d === 0x22) {
        for (i++; i < n; i++) {
          const e = b[i]!;
          if (e === 0x22) break;
          if (e === 0x5c) i++;
        }
      } else if (d === 0x7b || d === 0x5b) depth++;
      else if ((d === 0x7d || d === 0x5d) && --depth === 0) return i + 1;
    }
    return -1;
  }
  const start = i;
  while (i < b.length) {
    const d = b[i]!;
    if (d === 0x2c || d === 0x7d || d === 0x5d || isSpace(d)) break;
    i++;
  }
  return i > start ? i : -1;
}

/** The wanted keys as bytes, by length: most keys are told apart without making a string. */
const BY_LENGTH = new Map<number, [string, Uint8Array][]>();
for (const k of WANTED) {
  const list = BY_LENGTH.get(k.length) ?? [];
  list.push([k, new TextEncoder().encode(k)]);
  BY_LENGTH.set(k.length, list);
}

/** The key (a string from `start` to `end`, quotes included) if wanted, else "". */
function keyOf(b: Uint8Array, start: number, end: number): string {
  const list = BY_LENGTH.get(end - start - 2);
  if (list) {
    next: for (const [k, bytes] of list) {
      for (let j = 0; j < bytes.length; j++) if (b[start + 1 + j] !== bytes[j]) continue next;
      return k;
    }
  }
  // A key with escapes may still spell a wanted one.
  for (let i = start + 1; i < end - 1; i++) {
    if (b[i] === 0x5c) {
      const k = JSON.parse(decoder.decode(b.subarray(start, end)));
      return WANTED.has(k) ? k : "";
    }
  }
  return "";
}

/** Short ASCII bytes without escapes as a string, or undefined. */
function ascii(b: Uint8Array, start: number, end: number): string | undefined {
  if (end - start > 256) return undefined;
  for (let i = start; i < end; i++) if (b[i]! >= 0x80 || b[i] === 0x5c) return undefined;
  return String.fromCharCode.apply(null, b.subarray(start, end) as unknown as number[]);
}

/**
 * A value's bytes parsed: a simple string without a decoder or a parse, other short ASCII
 * values without a decoder.
 */
export function rawValue(b: Uint8Array, start: number, end: number): unknown {
  const s = b[start] === 0x22 ? ascii(b, start + 1, end - 1) : undefined;
  return s ?? JSON.parse(ascii(b, start, end) ?? decoder.decode(b.subarray(start, end)));
}

/** One light element starting at `i` (a `{`), and where it ends; throws when unreadable. */
function element(b: Uint8Array, i: number, ws: (i: number) => number): [LightItem, number] {
  const start = i;
  const item: LightItem = {};
  const values = new Map<string, [number, number]>();
  let nKeys = 0;
  i = ws(i + 1);
  if (b[i] === 0x7d) i++;
  else {
    for (;;) {
      if (b[i] !== 0x22) throw new SyntaxError("key expected");
      const ks = i;
      i = skipString(b, i);
      if (i < 0) throw new SyntaxError("unterminated string");
      const key = keyOf(b, ks, i);
      i = ws(i);
      if (b[i] !== 0x3a) throw new SyntaxError("':' expected");
      const vs = ws(i + 1);
      i = skipValue(b, vs);
      if (i < 0) throw new SyntaxError("value expected");
      nKeys++;
      if (WANTED.has(key)) {
        item[key] = rawValue(b, vs, i);
        values.set(key, [vs, i]);
      }
      i = ws(i);
      if (b[i] === 0x2c) i = ws(i + 1);
      else if (b[i] === 0x7d) {
        i++;
        break;
      } else throw new SyntaxError("',' or '}' expected");
    }
  }
  item[RAW] = { bytes: b, start, end: i, item, values, nKeys };
  return [item, i];
}

/** Where `lightItems` stopped. */
export interface LightBatch {
  items: LightItem[];
  /** Where to go on (just after the last element read), -1 once the array is read. */
  at: number;
  /** The bytes so far end inside an element: go on once more have come. */
  more?: boolean;
}

/**
 * The next elements of a JSON array of objects, light, from `at` (0 to start), about `maxBytes`
 * of them. `complete` says whether `b` is the whole body (else it is what came so far, and an
 * element is only taken once what follows it has come). Undefined when the body is anything
 * else or a value read does not parse: the caller then reads it in full and reports what is
 * wrong.
 */
export function lightItems(
  b: Uint8Array,
  o: { at?: number; maxBytes?: number; complete?: boolean; fullUpTo?: number } = {},
): LightBatch | undefined {
  const n = b.length;
  const ws = (i: number) => skipSpace(b, i);
  const complete = o.complete ?? true;
  const fullUpTo = o.fullUpTo ?? FULL_UP_TO;
  const items: LightItem[] = [];
  /** Start and end of each small element read but not yet parsed (consecutive elements). */
  let run: number[] = [];
  const flush = (): boolean => {
    if (!run.length) return true;
    const parsed = parseRun(b, run);
    run = [];
    if (!parsed) return false;
    for (const x of parsed) items.push(x);
    return true;
  };
  let last = o.at ?? 0;
  const need = (): LightBatch | undefined =>
    complete || !flush() ? undefined : { items, at: last, more: true };
  let i = ws(last);
  if (i >= n) return need();
  if (last === 0) {
    if (b[i] !== 0x5b) return undefined;
    i = ws(i + 1);
    if (i >= n) return need();
    if (b[i] === 0x5d) return end(i);
  } else {
    if (b[i] === 0x5d) return end(i);
    if (b[i] !== 0x2c) return undefined;
    i = ws(i + 1);
  }
  const stop = last + (o.maxBytes ?? Infinity);
  for (;;) {
    if (i >= n) return need();
    if (b[i] !== 0x7b) return undefined;
    // A small element is found by a scan; a larger one is read light in one pass (no scan first).
    let after = skipValue(b, i, fullUpTo);
    let item: LightItem | undefined;
    if (after < 0) {
      if (!flush()) return undefined;
      try {
        [item, after] = element(b, i, ws);
      } catch {
        return need();
      }
    }
    const j = ws(after);
    if (j >= n) return need();
    if (b[j] === 0x2c) {
      if (item) items.push(item);
      else run.push(i, after);
      last = after;
      if (last >= stop) return flush() ? { items, at: last } : undefined;
      i = ws(j + 1);
    } else if (b[j] === 0x5d) {
      if (!complete) return need();
      if (item) items.push(item);
      else run.push(i, after);
      return end(j);
    } else return undefined;
  }

  function end(i: number): LightBatch | undefined {
    if (!complete || !flush()) return need();
    if (ws(i + 1) !== n) return undefined;
    // DALiuGE's trailing metadata element (`{}` or `{rmode}`), as graphItems drops it.
    const tail = items[items.length - 1];
    if (tail && !("oid" in tail)) {
      const nKeys = tail[RAW]!.nKeys ?? Object.keys(tail).length;
      if (nKeys === 0 || "rmode" in tail) items.pop();
    }
    return { items, at: -1 };
  }
}

/** Consecutive small elements (`run`: start and end of each) parsed in one go, in full. */
function parseRun(b: Uint8Array, run: number[]): LightItem[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(`[${decoder.decode(b.subarray(run[0], run[run.length - 1]))}]`);
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length * 2 !== run.length) return undefined;
  return parsed.map((x: LightItem, k) => {
    x[RAW] = { bytes: b, start: run[2 * k]!, end: run[2 * k + 1]!, item: x };
    return x;
  });
}

const encoder = new TextEncoder();

/** A spec's JSON bytes: as received, with only changed link lists written anew. */
export function specBytes(spec: LightItem): Uint8Array {
  const raw = spec[RAW];
  if (!raw) return encoder.encode(JSON.stringify(spec));
  if (spec === raw.item) return raw.bytes.subarray(raw.start, raw.end);
  // Parsed in full: the copy holds every key.
  if (!raw.values) return encoder.encode(JSON.stringify(spec));
  const cuts: [number, number, Uint8Array][] = [];
  for (const [key, [a, z]] of raw.values) {
    if (spec[key] !== raw.item[key]) cuts.push([a, z, encoder.encode(JSON.stringify(spec[key]))]);
  }
  cuts.sort((x, y) => x[0] - y[0]);
  const pieces: Uint8Array[] = [];
  let at = raw.start;
  for (const [a, z, bytes] of cuts) {
    pieces.push(raw.bytes.subarray(at, a), bytes);
    at = z;
  }
  pieces.push(raw.bytes.subarray(at, raw.end));
  return concatBytes(pieces);
}

/** `[p0,p1,...]` as one buffer. */
export function jsonList(pieces: Uint8Array[]): Uint8Array<ArrayBuffer> {
  let size = 2 + Math.max(0, pieces.length - 1);
  for (const p of pieces) size += p.length;
  const out = new Uint8Array(size);
  out[0] = 0x5b;
  let at = 1;
  pieces.forEach((p, k) => {
    if (k > 0) out[at++] = 0x2c;
    out.set(p, at);
    at += p.length;
  });
  out[at] = 0x5d;
  return out;
}

/** The pieces, in order, as one array. */
export function concatBytes(pieces: Uint8Array[]): Uint8Array {
  let size = 0;
  for (const p of pieces) size += p.length;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of pieces) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
