/**
 * Cross-site requests (DESIGN §8): a browser page on another origin may not change state. A
 * POST, PUT, PATCH or DELETE whose `Origin` is not allowed is 403 before anything reads its body;
 * CORS headers go only to allowed origins. Requests without an `Origin` (curl, our clients,
 * DALiuGE's Python client when it sends none) pass untouched.
 */
import type { Context, MiddlewareHandler } from "hono";
import { cors } from "hono/cors";
import { forbiddenOrigin, foreignHost } from "../errors/mod.ts";

/** 127.0.0.0/8, ::1 or localhost. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  const m = h.match(/^(?:::ffff:)?(\d+)\.(\d+)\.(\d+)\.(\d+)$/);
  return !!m && m.slice(1).every((x) => Number(x) <= 255) && m[1] === "127";
}

/**
 * For a manager listening on loopback only: a request must name it by a loopback name (`Host`).
 * A page whose name was rebound to 127.0.0.1 (DNS rebinding) names its own host, so it can
 * neither change state as the manager's "own origin" nor read what the manager answers.
 */
export function hostGuard(): MiddlewareHandler {
  // Each `Host` value's verdict, kept: a status poll pays a lookup, not a URL parse.
  const verdicts = new Map<string, boolean>();
  return (c, next) => {
    const host = c.req.header("host") ?? new URL(c.req.url).host;
    let ok = verdicts.get(host);
    if (ok === undefined) {
      ok = URL.canParse(`http://${host}`) && isLoopback(new URL(`http://${host}`).hostname);
      if (verdicts.size < 64) verdicts.set(host, ok);
    }
    if (!ok) throw foreignHost(host);
    return next();
  };
}

/** What DALiuGE's Python client sends as its `Origin`. */
export const DALIUGE_CLIENT_ORIGIN = "http://dlg-tm.localhost";

const CHANGES_STATE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** `origin` in its canonical form (`scheme://host[:port]`, lower case), or undefined. */
export function canonicalOrigin(origin: string): string | undefined {
  try {
    const u = new URL(origin);
    return u.protocol === "http:" || u.protocol === "https:" ? u.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The manager's own origin as this request reached it (scheme and `Host`). */
function ownOrigin(c: Context): string | undefined {
  const url = new URL(c.req.url);
  const host = c.req.header("host");
  return canonicalOrigin(`${url.protocol}//${host ?? url.host}`);
}

/** 403 for a disallowed origin on a state-changing request, CORS headers for allowed ones. */
export function originGuard(allowOrigins: readonly string[] = []): MiddlewareHandler {
  const allowed = new Set([DALIUGE_CLIENT_ORIGIN]);
  for (const o of allowOrigins) {
    const canon = canonicalOrigin(o);
    if (!canon) throw new TypeError(`not an http(s) origin: ${o}`);
    allowed.add(canon);
  }
  const isAllowed = (origin: string, c: Context) => {
    const canon = canonicalOrigin(origin);
    return canon !== undefined && (allowed.has(canon) || canon === ownOrigin(c));
  };
  const withCors = cors({
    origin: (origin) => origin,
    credentials: true,
    allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS", "HEAD"],
    allowHeaders: [
      "Origin",
      "Accept",
      "Content-Type",
      "Content-Encoding",
      "X-Requested-With",
      "X-CSRF-Token",
      "Authorization",
    ],
  });
  return (c, next) => {
    const origin = c.req.header("origin");
    // Hot routes (status polling) skip the CORS work when there is no Origin at all.
    if (origin === undefined) return next();
    if (isAllowed(origin, c)) return withCors(c, next);
    if (CHANGES_STATE.has(c.req.method)) {
      throw forbiddenOrigin(origin, DALIUGE_CLIENT_ORIGIN);
    }
    // Reads are answered without CORS headers: the browser keeps them from the foreign page.
    return next();
  };
}
