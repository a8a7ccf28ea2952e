/**
 * Hono middleware: every rejected request is logged with its status and DALiuGE's reason
 * (method and path only: never a header, a query string or a body, so never a token);
 * session-changing requests that succeed at info, the rest at debug.
 */
import type { MiddlewareHandler } from "hono";
import { getLogger } from "@logtape/logtape";
import { describeArgs } from "../client/mod.ts";

/** Successful requests worth an info line: they change what the manager runs. */
const CHANGES =
  /^(POST \/api\/sessions(\/[^/]+\/(deploy|cancel))?|DELETE \/api\/sessions\/[^/]+|POST \/api\/stop)$/;

/** The reason in an error answer (`{"type", "args"}`), or "". */
async function reasonOf(res: Response): Promise<string> {
  try {
    const body = await res.clone().json() as { type?: unknown; args?: unknown };
    const args = describeArgs(body.args);
    return typeof body.type === "string" ? `${body.type}${args ? `: ${args}` : ""}` : "";
  } catch {
    return "";
  }
}

export function requestLog(name: string): MiddlewareHandler {
  const log = getLogger(["dlg", name, "http"]);
  return async (c, next) => {
    const t0 = performance.now();
    await next();
    const status = c.res.status;
    const method = c.req.method;
    // Status polls come by the thousand: nothing is made for a successful GET unless debug is on.
    if (status < 400 && method === "GET" && !log.isEnabledFor("debug")) return;
    const what = `${method} ${c.req.path}`;
    const ms = Math.round(performance.now() - t0);
    if (status >= 400) {
      const reason = (await reasonOf(c.res)).slice(0, 500);
      const props = { method: c.req.method, path: c.req.path, status, reason, ms };
      if (status >= 500) log.error("{method} {path} -> {status} {reason}", props);
      else log.warn("{method} {path} -> {status} {reason}", props);
    } else if (c.req.method !== "GET" && CHANGES.test(what)) {
      log.info("{method} {path} -> {status} ({ms} ms)", {
        method: c.req.method,
        path: c.req.path,
        status,
        ms,
      });
    } else if (log.isEnabledFor("debug")) {
      log.debug("{method} {path} -> {status} ({ms} ms)", {
        method: c.req.method,
        path: c.req.path,
        status,
        ms,
      });
    }
  };
}
