/**
 * The cluster token (DESIGN §8): with one set, every route (tier-to-tier ones and `/events`
 * included) needs `Authorization: Bearer <token>`, else 401 `{"type": "Unauthorized"}`. The
 * token is compared by SHA-256 digest in constant time and never logged or echoed. CORS
 * preflights (`OPTIONS`) pass: browsers send them without credentials.
 */
import type { MiddlewareHandler } from "hono";
import { unauthorized } from "../errors/mod.ts";

const enc = new TextEncoder();

async function digest(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(text)));
}

/** Equal digests, looking at every byte whatever the first difference. */
function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ (b[i] ?? 0);
  return diff === 0;
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
  return async (c, next) => {
    if (c.req.method === "OPTIONS") return next();
    const given = bearer(c.req.header("authorization"));
    if (given === undefined) {
      c.header("WWW-Authenticate", 'Bearer realm="dlg"');
      throw unauthorized("this manager needs a token: send Authorization: Bearer <token>");
    }
    if (!sameDigest(await digest(given), await expected)) {
      c.header("WWW-Authenticate", 'Bearer realm="dlg", error="invalid_token"');
      throw unauthorized("the token does not match this manager's");
    }
    return next();
  };
}
