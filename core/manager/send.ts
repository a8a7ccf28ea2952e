/** Large appends sent in parts, a few in flight, so the tier below works while the next is sent. */
import type { NodeManagerClient } from "../client/mod.ts";

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
  const chunks: Record<string, unknown>[][] = [];
  const n = chunkLength(specs);
  for (let i = 0; i < specs.length; i += n) chunks.push(specs.slice(i, i + n));
  await inParallel(chunks, 3, (chunk) => client.appendGraph(sessionId, chunk));
}
