/** One `graph/append` batch: the envelope, each spec, and duplicate OIDs, all checked first. */
import * as v from "valibot";
import { invalidGraph } from "../errors/mod.ts";
import type { ClassTable } from "./classes.ts";
import { type DropSpec, normalizeSpec } from "./normalize.ts";
import { describeIssues, GraphBodySchema, isGraphMetadata } from "./schema.ts";

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

/**
 * Validate every spec of a batch; throw on the first bad one so nothing of the batch is added.
 * `existing` holds the session's specs, for duplicate OIDs across appends.
 */
export function normalizeBatch(
  items: Record<string, unknown>[],
  existing: ReadonlyMap<string, unknown>,
  classes: ClassTable,
): DropSpec[] {
  const out: DropSpec[] = new Array(items.length);
  const seen = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const spec = normalizeSpec(items[i]!, i, classes);
    if (existing.has(spec.oid)) {
      throw invalidGraph(`Drop ${spec.oid} is already in the session (duplicate oid)`);
    }
    if (seen.has(spec.oid)) throw invalidGraph(`Drop ${spec.oid} appears twice in the graph`);
    seen.add(spec.oid);
    out[i] = spec;
  }
  return out;
}
