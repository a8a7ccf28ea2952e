/**
 * The cluster token (DESIGN §8): with one set, every route (tier-to-tier ones and `/events`
 * included) needs `Authorization: Bearer <token>`, else 401 `{"type": "Unauthorized"}`. The
 * token is compared by SHA-256 digest in constant time (`timingSafeEqual`) and never logged or echoed. CORS
 * preflights (`OPTIONS` with `Access-Control-Request-Method`) pass: browsers send them without
 * credentials.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "../errors/mod.ts";

/** SHA-256 of `text`: equal-length values to compare whatever the token's length. */
function digest(text: string): Uint8Array {
  return createHash("sha256").update(text).digest();
}

/** The bearer credential of an `Authorization` header, or undefined. */
function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^\s*Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}

/** Require `token` on every request; no token: a middleware that lets everything through. */
export function tokenGuard(token: string | undefined): MiddlewareHandler {
  if (token === undefined) return (_c, next) => next();
  if (!token) throw new TypeError("the token must not be empty");
  const expected = digest(token);
  return (c, next) => {
    // A CORS preflight carries no credentials (browsers never send them there).
    if (c.req.method === "OPTIONS" && c.req.header("access-control-request-method")) return next();
    const given = bearer(c.req.header("authorization"));
    if (given === undefined) {
      c.header("WWW-Authenticate", 'Bearer realm="dlg"');
      throw unauthorized("this manager needs a token: send Authorization: Bearer <token>");
    }
    // Sync (node:crypto): no promise round trip on every request.
    if (!timingSafeEqual(digest(given), expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="dlg", error="invalid_token"');
      throw unauthorized("the token does not match this manager's");
    }
    return next();
  };
}
