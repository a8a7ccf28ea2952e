/** The one place errors become HTTP responses: DALiuGE's `{"type", "args"}` JSON. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { daliugeError, HttpError, noRoute } from "../errors/mod.ts";

export function errorResponse(err: Error, c: Context): Response {
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
