/**
 * Request bodies as DALiuGE clients send them: JSON (possibly chunked), `Content-Encoding: gzip`
 * holding zlib (what the Python client sends) or real gzip, form-encoded `deploy` fields.
 */
import type { Context } from "hono";
import * as v from "valibot";
import {
  badRequest,
  HttpError,
  inflatedTooLarge,
  invalidGraph,
  unsupportedEncoding,
} from "../errors/mod.ts";
import { describeIssues, type TimeSlices, timeSlices } from "../graph/mod.ts";

const decoder = new TextDecoder();

/** How a body we cannot read is reported: a graph's as InvalidGraphException. */
type Invalid = (message: string, o: { cause: unknown }) => HttpError;

/**
 * Compressed input goes to the decompressor in pieces this large: one piece inflates to at most
 * about 1000 times its size, so memory stays near the limit, not near what a bomb would inflate to.
 */
const PIECE = 8 * 1024;

/** Bodies shorter than this (by Content-Length) are read in one go. */
const READ_IN_ONE = 64 * 1024;

function pieces(bytes: Uint8Array): ReadableStream<Uint8Array<ArrayBuffer>> {
  let at = 0;
  return new ReadableStream({
    pull(ctl) {
      if (at >= bytes.length) return ctl.close();
      ctl.enqueue(bytes.slice(at, at + PIECE));
      at += PIECE;
    },
  }, { highWaterMark: 0 });
}

/**
 * The pieces as one buffer of `size` bytes, copied a slice at a time: on a fresh buffer of tens
 * of MB the copy is mostly page faults, which took 225 ms in one go on a slow VM.
 */
async function gather(parts: Uint8Array[], size: number, slices: TimeSlices): Promise<Uint8Array> {
  if (parts.length === 1 && parts[0]!.length === size) return parts[0]!;
  const out = new Uint8Array(size);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
    if (slices.due()) await slices.next();
  }
  return out;
}

/**
 * A body of known size read a chunk at a time into one buffer. Deno's plain chunks are cheap to
 * read; its one-go read (`arrayBuffer()`) and BYOB reads are not: on the benchmark VM they cost
 * 4-8 times the CPU, most of it page faults on fresh memory (docs/performance.md, "Round 9").
 */
async function readSized(
  body: ReadableStream<Uint8Array>,
  size: number,
  slices: TimeSlices,
): Promise<Uint8Array> {
  const buffer = new Uint8Array(size);
  let at = 0;
  for await (const chunk of body) {
    // The connection stops at Content-Length: this only guards the buffer.
    if (at + chunk.length > size) throw badRequest("the body is longer than its Content-Length");
    buffer.set(chunk, at);
    at += chunk.length;
    if (slices.due()) await slices.next();
  }
  return at === size ? buffer : buffer.subarray(0, at);
}

/**
 * The request's body as read from the connection, a chunk at a time with the event loop let in
 * (Deno's one-go `arrayBuffer()` held it for about 90 ms on a 10 MB body). The size limit was
 * checked before (bodyLimit); a body longer than its Content-Length cannot arrive.
 */
async function readRaw(c: Context, slices: TimeSlices): Promise<Uint8Array> {
  const body = c.req.raw.body;
  if (!body) return new Uint8Array(0);
  // A small body in one read (one op, not a loop turn per chunk).
  const length = Number(c.req.header("content-length") ?? NaN);
  if (length < READ_IN_ONE) return new Uint8Array(await c.req.arrayBuffer());
  if (Number.isSafeInteger(length)) return await readSized(body, length, slices);
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body) {
    parts.push(chunk);
    size += chunk.length;
    if (slices.due()) await slices.next();
  }
  return await gather(parts, size, slices);
}

/** `bytes` inflated (zlib or gzip), stopped with 413 as soon as the output passes `limit`. */
async function inflate(
  bytes: Uint8Array,
  limit: number,
  invalid: Invalid,
  slices: TimeSlices,
): Promise<Uint8Array> {
  const format = bytes[0] === 0x1f && bytes[1] === 0x8b ? "gzip" : "deflate";
  const stream = pieces(bytes).pipeThrough(new DecompressionStream(format));
  const parts: Uint8Array[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > limit) throw inflatedTooLarge(limit);
      parts.push(chunk);
      if (slices.due()) await slices.next();
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw invalid(`the body is not valid ${format} data: ${(e as Error).message}`, { cause: e });
  }
  return await gather(parts, size, slices);
}

/** The body's bytes, inflated when `Content-Encoding` says so. */
export async function readBytes(
  c: Context,
  inflatedLimit: number,
  invalid: Invalid = invalidGraph,
): Promise<Uint8Array> {
  const enc = c.req.header("content-encoding")?.toLowerCase();
  if (enc && enc !== "identity" && enc !== "gzip" && enc !== "deflate") {
    throw unsupportedEncoding(enc);
  }
  const slices = timeSlices();
  const bytes = await readRaw(c, slices);
  if (enc === "gzip" || enc === "deflate") {
    return await inflate(bytes, inflatedLimit, invalid, slices);
  }
  return bytes;
}

/**
 * A JSON body (inflated when `Content-Encoding` says so) checked against `schema`; a body that
 * is not JSON or does not fit is 400 `DaliugeException`. `fits`: a fast check for bodies sent by
 * the thousand, true only when `schema` would pass the body unchanged (valibot then only words
 * what is wrong).
 */
export async function readBody<S extends v.GenericSchema>(
  c: Context,
  schema: S,
  limit: number,
  fits?: (x: unknown) => x is v.InferOutput<S>,
): Promise<v.InferOutput<S>> {
  const text = decoder.decode(await readBytes(c, limit, badRequest));
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (e) {
    throw badRequest(`the body is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (fits?.(body)) return body;
  const r = v.safeParse(schema, body);
  if (!r.success) throw badRequest(describeIssues(r.issues));
  return r.output;
}

/** Form fields (or JSON object fields, or the query) of a request. */
export async function readFields(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header("content-type") ?? "").toLowerCase();
  const query = c.req.query();
  // A deploy's `completed` list: ~12 MB at 10M Drops.
  const text = decoder.decode(await readRaw(c, timeSlices()));
  if (type.includes("application/json")) {
    if (!text.trim()) return query;
    try {
      const body = JSON.parse(text);
      return body && typeof body === "object" && !Array.isArray(body)
        ? { ...query, ...body }
        : query;
    } catch {
      throw badRequest("the body is not valid JSON");
    }
  }
  const form = Object.fromEntries(new URLSearchParams(text));
  return { ...query, ...form };
}
