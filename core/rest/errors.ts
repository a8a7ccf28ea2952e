/** The one place errors become HTTP responses: DALiuGE's `{"type", "args"}` JSON. */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { HttpError } from "../errors/mod.ts";

export function errorResponse(err: Error, c: Context): Response {
  if (err instanceof HttpError) {
    return c.json(err.toJSON(), err.status as ContentfulStatusCode);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json({ type: "DaliugeException", args: [err.message || `HTTP ${status}`] }, status);
  }
  console.error(`${c.req.method} ${c.req.path} failed:`, err);
  return c.json(
    { type: "DaliugeException", args: [err.message || String(err)] },
    555 as ContentfulStatusCode,
  );
}

export function notFound(c: Context): Response {
  return c.json(
    { type: "DaliugeException", args: [`no route for ${c.req.method} ${c.req.path}`] },
    404,
  );
}
