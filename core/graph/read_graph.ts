/**
 * A `graph/append` body as its Drop specs. A large body is parsed in slices of whole elements
 * (found by a byte scan, each slice one `JSON.parse`), the event loop let in between, so parsing
 * 100 MB of JSON never holds it for seconds. Errors are those of `graphItems(parseJson(...))`.
 */
import { invalidGraph } from "../errors/mod.ts";
import { graphItems, parseJson } from "./batch.ts";
import { isSpace, skipValue } from "./raw_items.ts";
import { isGraphMetadata } from "./schema.ts";
import { timeSlices } from "./slices.ts";

/** Bodies up to this size are parsed in one go. */
export const SLICED_FROM = 1024 * 1024;

/** About this many bytes of elements per `JSON.parse`. */
const SLICE_BYTES = 256 * 1024;

const decoder = new TextDecoder();

/** The elements of the JSON array `b` holds from `start` to `end` (element bytes only). */
function parseElements(b: Uint8Array, start: number, end: number): unknown[] {
  const text = decoder.decode(b.subarray(start, end));
  try {
    return JSON.parse(`[${text}]`);
  } catch (e) {
    throw invalidGraph(
      `the body is not valid JSON (in the elements from byte ${start}): ${(e as Error).message}`,
    );
  }
}

/** The Drop specs of a `graph/append` body, DALiuGE's trailing metadata element dropped. */
export async function readGraph(b: Uint8Array): Promise<Record<string, unknown>[]> {
  const n = b.length;
  const ws = (i: number) => {
    while (i < n && isSpace(b[i])) i++;
    return i;
  };
  let i = ws(0);
  // Small bodies, and anything but an array, take the one-go path (and its error messages).
  if (n < SLICED_FROM || b[i] !== 0x5b) return graphItems(parseJson(b));
  const items: Record<string, unknown>[] = [];
  const slices = timeSlices();
  const take = (from: number, to: number) => {
    for (const x of parseElements(b, from, to)) {
      if (typeof x !== "object" || x === null || Array.isArray(x)) {
        throw invalidGraph(`Invalid graph: ${items.length}: each element must be a JSON object`);
      }
      items.push(x as Record<string, unknown>);
    }
  };
  i = ws(i + 1);
  if (b[i] !== 0x5d) {
    let from = i;
    for (;;) {
      const end = skipValue(b, i);
      if (end < 0) return graphItems(parseJson(b)); // broken: report it as a full parse does
      i = ws(end);
      if (b[i] === 0x5d) {
        take(from, end);
        break;
      }
      if (b[i] !== 0x2c) return graphItems(parseJson(b));
      if (end - from >= SLICE_BYTES) {
        take(from, end);
        if (slices.due()) await slices.next();
        from = ws(i + 1);
      }
      i = ws(i + 1);
    }
  }
  if (ws(i + 1) !== n) return graphItems(parseJson(b));
  const last = items[items.length - 1];
  if (last && isGraphMetadata(last)) items.pop();
  return items;
}
