/**
 * Request bodies as DALiuGE clients send them: JSON (possibly chunked), `Content-Encoding: gzip`
 * holding zlib (what the Python client sends) or real gzip, form-encoded `deploy` fields.
 */
import type { Context } from "hono";
import * as v from "valibot";
import { badRequest, HttpError, invalidGraph } from "../errors/mod.ts";
import { concatBytes, describeIssues, parseJson, timeSlices } from "../graph/mod.ts";

/** 413 for a body over the limit. */
export function tooLarge(limit: number): HttpError {
  return new HttpError(413, "DaliugeException", [
    `request body larger than the limit of ${limit} bytes (--max-request-size)`,
  ]);
}

/** 413 for a body that inflates past the limit. */
export function inflatedTooLarge(limit: number): HttpError {
  return new HttpError(413, "DaliugeException", [
    `request body inflates past the limit of ${limit} bytes (--max-inflated-size)`,
  ]);
}

/**
 * Compressed input goes to the decompressor in pieces this large: one piece inflates to at most
 * about 1000 times its size, so memory stays near the limit, not near what a bomb would inflate to.
 */
const PIECE = 8 * 1024;

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

/** `bytes` inflated (zlib or gzip), stopped with 413 as soon as the output passes `limit`. */
export async function inflate(bytes: Uint8Array, limit: number): Promise<Uint8Array> {
  const format = bytes[0] === 0x1f && bytes[1] === 0x8b ? "gzip" : "deflate";
  const stream = pieces(bytes).pipeThrough(new DecompressionStream(format));
  const parts: Uint8Array[] = [];
  let size = 0;
  const slices = timeSlices();
  try {
    for await (const chunk of stream) {
      size += chunk.length;
      if (size > limit) throw inflatedTooLarge(limit);
      parts.push(chunk);
      if (slices.due()) await slices.next();
    }
  } catch (e) {
    if (e instanceof HttpError) throw e;
    throw invalidGraph(`the body is not valid ${format} data: ${(e as Error).message}`);
  }
  return concatBytes(parts);
}

/** The body's bytes, inflated when `Content-Encoding` says so. */
export async function readBytes(c: Context, inflatedLimit: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(await c.req.arrayBuffer());
  const enc = c.req.header("content-encoding")?.toLowerCase();
  if (enc === "gzip" || enc === "deflate") return await inflate(bytes, inflatedLimit);
  if (enc && enc !== "identity") {
    throw new HttpError(415, "DaliugeException", [`unsupported Content-Encoding ${enc}`]);
  }
  return bytes;
}

/** The body as JSON, inflated when `Content-Encoding` says so. */
export async function readJson(c: Context, inflatedLimit: number): Promise<unknown> {
  return parseJson(await readBytes(c, inflatedLimit));
}

/** A JSON body checked against `schema`; problems are 400 `DaliugeException`. */
export async function readBody<S extends v.GenericSchema>(
  c: Context,
  schema: S,
  limit: number,
): Promise<v.InferOutput<S>> {
  let body: unknown;
  try {
    body = await readJson(c, limit);
  } catch (e) {
    if (e instanceof HttpError && e.status === 400) {
      throw badRequest(String((e.args as string[])[0]));
    }
    throw e;
  }
  const r = v.safeParse(schema, body);
  if (!r.success) throw badRequest(describeIssues(r.issues));
  return r.output;
}

/** Form fields (or JSON object fields, or the query) of a request. */
export async function readFields(c: Context): Promise<Record<string, unknown>> {
  const type = c.req.header("content-type") ?? "";
  const query = c.req.query();
  if (type.includes("application/json")) {
    const text = await c.req.text();
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
  const text = await c.req.text();
  const form = Object.fromEntries(new URLSearchParams(text));
  return { ...query, ...form };
}
