/** Hono middleware counting every request by route and status, with its latency. */
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import type { Metrics } from "./metrics.ts";

function length(h: string | null | undefined): number | undefined {
  return h ? Number(h) || undefined : undefined;
}

export function httpMetrics(m: Metrics): MiddlewareHandler {
  return async (c, next) => {
    const t0 = performance.now();
    await next();
    const secs = (performance.now() - t0) / 1000;
    // The route pattern, not the path: ids would make a series per session.
    const matched = routePath(c, -1);
    const route = matched === "/*" || matched === "*" ? "unmatched" : matched;
    const method = c.req.method;
    const status = c.res.status;
    const kind = m.served(method, route, status, secs);
    if (kind === "control") return; // what it carries is only counted for data, events, graphs
    const out = length(c.res.headers.get("content-length"));
    m.inbound(method, c.req.path, status, length(c.req.header("content-length")), out, kind);
  };
}
