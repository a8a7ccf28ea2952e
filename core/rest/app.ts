/**
 * The one Hono app every tier serves: DALiuGE's REST interface, identical at node, island and
 * master. A tier's entry mounts its own routes (`nodeRoutes`, `compositeRoutes`, ...) on it with
 * `app.route("/", ...)`.
 */
import { Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { badRequest, notImplemented, tooLarge, unsupportedContentType } from "../errors/mod.ts";
import type { DropManager } from "../manager/mod.ts";
import { readBody, readBytes, readFields } from "./body.ts";
import { eventsRoute } from "./events_route.ts";
import { bigSessionDetails, graphRoutes } from "./graph_routes.ts";
import { hostGuard, originGuard } from "./origin.ts";
import { tokenGuard } from "./auth.ts";
import { uiRoutes } from "../ui/mod.ts";
import { errorResponse, notFound } from "./errors.ts";
import { CompletedField, CreateSessionBody, UidList } from "../wire/mod.ts";
import { bodyLimitOf, type RouteOptions, SUCCESS } from "./reply.ts";

export interface AppOptions extends RouteOptions {
  /** Largest inflated `Content-Encoding: gzip` append body (default 16 times the request limit). */
  maxInflatedSize?: number;
  /** Origins besides the manager's own and DALiuGE's client that may change state. */
  allowOrigins?: readonly string[];
  /** The cluster token every request must carry (`Authorization: Bearer`); none: open. */
  token?: string;
  /** Milliseconds between keep-alive comments on an idle event stream (default 15 s). */
  keepAliveMs?: number;
  /** The manager listens on loopback only: requests naming another host are 403 (`hostGuard`). */
  loopbackOnly?: boolean;
  /** Middleware around every request, outermost first (request logs, metrics). */
  use?: MiddlewareHandler[];
  /** Called after `POST /api/stop` has answered. */
  onStop?: () => void;
}

/** Build the REST app for a manager. */
export function createApp(manager: DropManager, opts: AppOptions = {}): Hono {
  const limit = bodyLimitOf(opts);
  const app = new Hono();
  app.onError(errorResponse);
  app.notFound(notFound);
  for (const m of opts.use ?? []) app.use("*", m);
  if (opts.loopbackOnly) app.use("*", hostGuard());
  // The web UI's page and script hold no data: served before the guards (a browser cannot send
  // a token when it loads a page); every call they make goes through them.
  app.route("/", uiRoutes());
  // State-changing requests from other origins are refused (CORS only for allowed ones); then
  // the token, when the manager has one.
  app.use("*", originGuard(opts.allowOrigins));
  if (opts.token !== undefined) app.use("*", tokenGuard(opts.token));
  const limited = bodyLimit({ maxSize: limit, onError: () => Promise.reject(tooLarge(limit)) });
  // Drop bytes between nodes are streams of any size; every other body has the limit. GETs
  // (status polls by the thousand) have none to check, and do not pass through this at all.
  app.on(["POST", "PUT", "PATCH", "DELETE"], "/api/*", (c, next) => {
    if (/\/drops\/[^/]+\/data$/.test(c.req.path)) return next();
    return limited(c, next);
  });

  const ok = <T>(value: T | void) => value === undefined ? SUCCESS : value;

  app.get("/api", async (c) => c.json(await manager.info()));
  app.get("/api/submission_method", (c) => c.json({ methods: ["BROWSER", "SERVER"] }));
  app.post("/api/stop", (c) => {
    if (opts.onStop) setTimeout(opts.onStop, 10);
    return c.json(SUCCESS);
  });

  // DALiuGE answers these with `{}` (CORS headers too, for allowed origins: `originGuard`).
  app.options("/api/sessions", (c) => c.json({}));
  app.options("/api/sessions/:sid/graph/append", (c) => c.json({}));

  app.post("/api/sessions", async (c) => {
    const { sessionId } = await readBody(c, CreateSessionBody, limit);
    await manager.createSession(sessionId);
    return c.json({ sessionId });
  });
  app.get("/api/sessions", async (c) => c.json(await manager.sessions()));

  const sid = (c: { req: { param(name: "sid"): string } }) => c.req.param("sid");
  app.get("/api/sessions/:sid", async (c) => {
    // `?graph=false`: without the specs (how a parent asks for a big session's details).
    if (c.req.query("graph") === "false") return c.json(await manager.session(sid(c), false));
    return await bigSessionDetails(manager, sid(c)) ?? c.json(await manager.session(sid(c)));
  });
  app.delete("/api/sessions/:sid", async (c) => c.json(ok(await manager.deleteSession(sid(c)))));
  app.get("/api/sessions/:sid/status", async (c) => c.json(await manager.sessionStatus(sid(c))));
  app.get("/api/sessions/:sid/dir", async (c) => c.json(await manager.sessionDir(sid(c))));

  app.post("/api/sessions/:sid/deploy", async (c) => {
    const fields = await readFields(c);
    const r = v.safeParse(CompletedField, fields.completed);
    if (!r.success) throw badRequest(r.issues[0].message);
    return c.json(ok(await manager.deploy(sid(c), r.output)));
  });
  app.post("/api/sessions/:sid/cancel", async (c) => c.json(ok(await manager.cancel(sid(c)))));

  graphRoutes(app, manager);
  app.get("/api/sessions/:sid/graph/size", async (c) => c.json(await manager.graphSize(sid(c))));
  app.post("/api/sessions/:sid/graph/append", async (c) => {
    // Media types are case-insensitive (DALiuGE's Bottle lowercases before its check).
    const type = (c.req.header("content-type") ?? "").toLowerCase();
    if (!type.includes("application/json") && !type.includes("text/plain")) {
      throw unsupportedContentType(type);
    }
    const id = sid(c);
    manager.get(id); // 404 before reading a large body for nothing
    const bytes = await readBytes(c, opts.maxInflatedSize ?? limit * 16);
    return c.json(ok(await manager.appendBytes(id, bytes)));
  });
  app.post("/api/sessions/:sid/graph/remove", async (c) => {
    const oids = await readBody(c, UidList, limit);
    return c.json(ok(await manager.removeDrops(sid(c), oids)));
  });
  // One route for `drop/<oid>` and `drop/data/<oid>` (OIDs may hold slashes): two overlapping
  // `{.+}` routes make Hono fall back from its RegExpRouter to the slower TrieRouter.
  app.get("/api/sessions/:sid/graph/drop/:oid{.+}", async (c) => {
    const oid = c.req.param("oid");
    return c.json(
      oid.startsWith("data/")
        ? await manager.dropFile(sid(c), oid.slice(5))
        : await manager.dropInfo(sid(c), oid),
    );
  });
  eventsRoute(app, manager, opts.keepAliveMs);
  app.on(["GET"], ["/api/sessions/:sid/repro/status", "/api/sessions/:sid/repro/data"], () => {
    throw notImplemented("reproducibility data is not supported");
  });
  return app;
}
