/** Large appends sent in parts, a few in flight, so the tier below works while the next is sent. */
import type { NodeManagerClient } from "../client/mod.ts";
import { jsonList, type LightItem, packBySize, RAW, specBytes } from "../graph/mod.ts";

/** At most this many Drops per append sent to a child. */
const APPEND_CHUNK = 10_000;
/**
 * About this many bytes of JSON per append sent to a child: small enough that the tiers below
 * start on one part while the next is serialised and sent (translator specs carry ~6 KB each).
 */
const APPEND_CHUNK_BYTES = 1 << 20;

/** Drops per append for `specs`, from the JSON size of a sample of them. */
export function chunkLength(specs: Record<string, unknown>[]): number {
  const sample = specs.slice(0, 16);
  const perSpec = JSON.stringify(sample).length / Math.max(1, sample.length);
  return Math.max(1, Math.min(APPEND_CHUNK, Math.floor(APPEND_CHUNK_BYTES / perSpec)));
}

/** Run `fn` over `items`, at most `limit` at a time; the first failure rejects. */
export async function inParallel<T>(items: T[], limit: number, fn: (x: T) => Promise<unknown>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Append `specs` to `client` in parts under the child's request-size limit, 3 in flight. */
export async function appendInParts(
  client: NodeManagerClient,
  sessionId: string,
  specs: Record<string, unknown>[],
): Promise<void> {
  await inParallel(chunks(specs), 3, (chunk) => appendChunk(client, sessionId, chunk));
}

/** `specs` in parts of about APPEND_CHUNK_BYTES of JSON. */
export function chunks(specs: Record<string, unknown>[]): Record<string, unknown>[][] {
  if (!(specs[0] as LightItem | undefined)?.[RAW]) {
    const n = chunkLength(specs);
    const out: Record<string, unknown>[][] = [];
    for (let i = 0; i < specs.length; i += n) out.push(specs.slice(i, i + n));
    return out;
  }
  // Read light: the sizes are known.
  return packBySize(specs as LightItem[], (spec) => {
    const raw = spec[RAW];
    return raw ? raw.end - raw.start : 1024;
  }, { maxBytes: APPEND_CHUNK_BYTES, maxItems: APPEND_CHUNK });
}

/** One `graph/append` of `specs`: as received when read light, else serialised. */
export async function appendChunk(
  client: NodeManagerClient,
  sessionId: string,
  specs: Record<string, unknown>[],
): Promise<void> {
  const light = (specs[0] as LightItem | undefined)?.[RAW] !== undefined;
  await client.appendGraph(
    sessionId,
    light ? jsonList((specs as LightItem[]).map(specBytes)) : specs,
  );
}
