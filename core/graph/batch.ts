/** One `graph/append` batch: the envelope, each spec, and duplicate OIDs, all checked first. */
import * as v from "valibot";
import { invalidGraph } from "../errors/mod.ts";
import type { ClassTable } from "./classes.ts";
import { compactLinks, type DropSpec, normalizeSpec, type Shared } from "./normalize.ts";
import { describeIssues, GraphBodySchema, isGraphMetadata } from "./schema.ts";
import { timeSlices } from "./slices.ts";

const decoder = new TextDecoder();

/** UTF-8 JSON bytes parsed; 400 InvalidGraphException when they are not JSON. */
export function parseJson(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw invalidGraph(`the body is not valid JSON: ${(e as Error).message}`);
  }
}

/** Check the body is an array of objects and drop DALiuGE's trailing metadata element. */
export function graphItems(body: unknown): Record<string, unknown>[] {
  const r = v.safeParse(GraphBodySchema, body);
  if (!r.success) throw invalidGraph(`Invalid graph: ${describeIssues(r.issues)}`);
  const items = r.output;
  const last = items[items.length - 1];
  if (last && isGraphMetadata(last)) items.pop();
  return items;
}

/** 400: `oid` is twice in one batch (found as the batch goes into the session's map). */
export function appearsTwice(oid: string): Error {
  return invalidGraph(`Drop ${oid} appears twice in the graph`);
}

/** 400: `oid` is in the session from an earlier append. */
export function alreadyInSession(oid: string): Error {
  return invalidGraph(`Drop ${oid} is already in the session (duplicate oid)`);
}

/**
 * One spec of a batch normalised (with `compact`, its one-OID link lists kept as the OID: for
 * specs the node parsed itself, which nothing else holds). OIDs the session or the batch already
 * has are the committer's to find (`appearsTwice`, `alreadyInSession`): its map tells as the spec
 * goes in, with no lookup here (one lookup per Drop in a map of millions took ~0.5 s per 1M).
 */
function normalizeOne(
  item: Record<string, unknown>,
  i: number,
  classes: ClassTable,
  shared: Shared,
  compact: boolean,
): DropSpec {
  const spec = normalizeSpec(item, i, classes, shared);
  if (compact) compactLinks(spec);
  return spec;
}

/**
 * Validate every spec of a batch; throw on the first bad one so nothing of the batch is added.
 * Repeated OIDs (in the batch, or already in the session) are found as the batch is committed.
 */
export function normalizeBatch(
  items: Record<string, unknown>[],
  classes: ClassTable,
  compact = false,
): DropSpec[] {
  const out: DropSpec[] = new Array(items.length);
  const shared: Shared = new Map();
  for (let i = 0; i < items.length; i++) {
    out[i] = normalizeOne(items[i]!, i, classes, shared, compact);
  }
  return out;
}

/**
 * `normalizeBatch` in time slices, the event loop let in between; `check` sees each slice's
 * specs once normalised (a session's path and spec checks). The caller commits only once this
 * has resolved.
 */
export async function normalizeBatchSliced(
  items: Record<string, unknown>[],
  classes: ClassTable,
  check?: (specs: DropSpec[]) => void,
  compact = false,
): Promise<DropSpec[]> {
  // Pushed, not preallocated: `new Array(n)` for a large n is a dictionary, and slicing it per
  // time slice made ingestion quadratic.
  const out: DropSpec[] = [];
  const slices = timeSlices();
  const shared: Shared = new Map();
  let from = 0;
  for (let i = 0; i < items.length; i++) {
    out.push(normalizeOne(items[i]!, i, classes, shared, compact));
    if ((i & 255) === 255 && slices.due()) {
      check?.(out.slice(from, i + 1));
      from = i + 1;
      await slices.next();
    }
  }
  check?.(from === 0 ? out : out.slice(from));
  return out;
}
