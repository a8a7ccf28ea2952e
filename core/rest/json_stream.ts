/**
 * Big JSON answers written in time slices (DESIGN §8: no request holds the event loop for more
 * than 200 ms). The text is the same as `JSON.stringify` of the whole value would give; it is
 * made as the client reads it, about a slice's worth of entries at a time.
 */
import { slicedPieces } from "../graph/mod.ts";

/** Collections at least this big are streamed; smaller ones are answered in one go. */
export const STREAM_AT = 20_000;
/**
 * `parts` as one response body: each string (or bytes) is written as is, and the loop is let
 * in whenever a slice has run its time. The generator runs only as fast as the client reads.
 */
export function slicedBody(parts: Iterable<string | Uint8Array>): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  async function* pieces(): AsyncGenerator<Uint8Array> {
    for await (const p of slicedPieces(parts)) yield typeof p === "string" ? enc.encode(p) : p;
  }
  return ReadableStream.from(pieces());
}

/** `{"k": v, ...}` from entries whose values are JSON text already. */
export function* objectText(entries: Iterable<readonly [string, string]>): Generator<string> {
  let first = true;
  yield "{";
  for (const [k, v] of entries) {
    yield `${first ? "" : ","}${JSON.stringify(k)}:${v}`;
    first = false;
  }
  yield "}";
}

/** A JSON response with a streamed body. */
export function jsonResponse(body: ReadableStream<Uint8Array>): Response {
  return new Response(body, { headers: { "content-type": "application/json" } });
}
