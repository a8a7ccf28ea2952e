/**
 * A JSON object's entries found in its bytes without parsing the values: a composite tier
 * completes a few specs of its children's big `graph` answers and forwards the rest as received.
 */
import { isSpace, rawValue, skipSpace, skipValue } from "./raw_items.ts";

/** One entry: its key, and where it starts, where its value starts and where it ends. */
export interface RawEntry {
  key: string;
  start: number;
  valueStart: number;
  end: number;
}

/** The entries of the JSON object in `b`, in order; throws SyntaxError when `b` is not one. */
export function* rawEntries(b: Uint8Array): Generator<RawEntry> {
  const n = b.length;
  const ws = (i: number) => skipSpace(b, i);
  let i = ws(0);
  if (b[i] !== 0x7b) throw new SyntaxError("'{' expected");
  i = ws(i + 1);
  if (b[i] === 0x7d) {
    if (ws(i + 1) !== n) throw new SyntaxError("nothing expected after '}'");
    return;
  }
  for (;;) {
    if (b[i] !== 0x22) throw new SyntaxError("key expected");
    const start = i;
    const keyEnd = skipValue(b, i);
    if (keyEnd < 0) throw new SyntaxError("unterminated key");
    i = ws(keyEnd);
    if (b[i] !== 0x3a) throw new SyntaxError("':' expected");
    const valueStart = ws(i + 1);
    const end = skipValue(b, valueStart);
    if (end < 0) throw new SyntaxError("value expected");
    yield { key: rawValue(b, start, keyEnd) as string, start, valueStart, end };
    i = ws(end);
    if (b[i] === 0x2c) i = ws(i + 1);
    else if (b[i] === 0x7d && ws(i + 1) === n) return;
    else throw new SyntaxError("',' or '}' expected");
  }
}

/**
 * The pieces of a JSON object (they make it when concatenated) without its braces, undefined
 * when it has no entries: objects joined into one (OIDs are unique in a session).
 */
export function innerPieces(pieces: readonly Uint8Array[]): Uint8Array[] | undefined {
  if (!pieces.length) return undefined;
  const out = [...pieces];
  const first = out[0]!;
  const i = skipSpace(first, 0);
  if (first[i] !== 0x7b) throw new SyntaxError("'{' expected");
  out[0] = first.subarray(skipSpace(first, i + 1));
  const k = out.length - 1;
  const last = out[k]!;
  let j = last.length;
  while (j > 0 && isSpace(last[j - 1])) j--;
  if (last[j - 1] !== 0x7d) throw new SyntaxError("'}' expected");
  j--;
  while (j > 0 && isSpace(last[j - 1])) j--;
  out[k] = last.subarray(0, j);
  return out.some((p) => p.length) ? out : undefined;
}
