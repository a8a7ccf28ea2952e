/** The one place errors become HTTP responses: DALiuGE's `{"type", "args"}` JSON. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { badRequest, daliugeError, HttpError, noRoute } from "../errors/mod.ts";

/**
 * A body the connection could not deliver (a Content-Length longer than what came, a truncated
 * chunked body): the client's fault, so 400, not an engine failure.
 */
function brokenBody(err: Error): HttpError | undefined {
  const io = err instanceof Deno.errors.BadResource || err instanceof Deno.errors.Http;
  if (!io || !/body/i.test(err.message)) return undefined;
  return badRequest(`the request body is incomplete or badly framed: ${err.message}`);
}

export function errorResponse(err: Error, c: Context): Response {
  err = brokenBody(err) ?? err;
  if (err instanceof HttpError) {
    return c.json(err.toJSON(), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    // Hono's own (middleware) errors keep their status, in DALiuGE's body.
    const status = err.status as ContentfulStatusCode;
    return c.json({ type: "DaliugeException", args: [err.message || `HTTP ${status}`] }, status);
  }
  console.error(`${c.req.method} ${c.req.path} failed:`, err);
  const e = daliugeError(err.message || String(err), { cause: err });
  return c.json(e.toJSON(), e.status as ContentfulStatusCode);
}

export function notFound(c: Context): Response {
  const e = noRoute(c.req.method, c.req.path);
  return c.json(e.toJSON(), e.status as ContentfulStatusCode);
}
