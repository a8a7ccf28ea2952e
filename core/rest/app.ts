/**
 * The one Hono app every tier serves: DALiuGE's REST interface, identical at node, island and
 * master. Tier-specific routes are added by `nodeRoutes` / `compositeRoutes`.
 */
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import * as v from "valibot";
import { badRequest, HttpError } from "../errors/mod.ts";
import { readGraph } from "../graph/mod.ts";
import { CompositeManager, type DropManager, NodeManager } from "../manager/mod.ts";
import { compositeRoutes } from "./composite_routes.ts";
import { nodeRoutes } from "./node_routes.ts";
import { originGuard } from "./origin.ts";
import { eventsRoute } from "./events_route.ts";
import { readBody, readBytes, readFields, tooLarge } from "./body.ts";
import { errorResponse, notFound } from "./errors.ts";
import { CompletedField, CreateSessionBody, UidList } from "./schemas.ts";
import { MB, SUCCESS } from "./reply.ts";

export interface AppOptions {
  /** Largest request body, in bytes (default 10 MB, as DALiuGE). */
  maxRequestSize?: number;
  /** Largest inflated `Content-Encoding: gzip` append body (default 16 times the above). */
  maxInflatedSize?: number;
  /** Origins besides the manager's own and DALiuGE's client that may change state. */
  allowOrigins?: readonly string[];
  /** Called after `POST /api/stop` has answered. */
  onStop?: () => void;
}

/** Build the REST app for a manager. */
export function createApp(manager: DropManager, opts: AppOptions = {}): Hono {
  const limit = opts.maxRequestSize ?? 10 * MB;
  const app = new Hono();
  app.onError(errorResponse);
  app.notFound(notFound);
  app.use("*", originGuard(opts.allowOrigins));
  const limited = bodyLimit({ maxSize: limit, onError: () => Promise.reject(tooLarge(limit)) });
  // Drop bytes between nodes are streams of any size; everything else has the limit.
  app.use(
    "/api/*",
    (c, next) => /\/drops\/[^/]+\/data$/.test(c.req.path) ? next() : limited(c, next),
  );

  const ok = <T>(value: T | void) => value === undefined ? SUCCESS : value;

  app.get("/api", async (c) => c.json(await manager.info()));
  app.get("/api/submission_method", (c) => c.json({ methods: ["BROWSER", "SERVER"] }));
  app.post("/api/stop", (c) => {
    if (opts.onStop) setTimeout(opts.onStop, 10);
    return c.json(SUCCESS);
  });

  app.post("/api/sessions", async (c) => {
    const { sessionId } = await readBody(c, CreateSessionBody, limit);
    await manager.createSession(sessionId);
    return c.json({ sessionId });
  });
  app.get("/api/sessions", async (c) => c.json(await manager.sessions()));

  const sid = (c: { req: { param(name: "sid"): string } }) => c.req.param("sid");
  app.get("/api/sessions/:sid", async (c) => c.json(await manager.session(sid(c))));
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

  app.get("/api/sessions/:sid/graph", async (c) => c.json(await manager.graph(sid(c))));
  app.get("/api/sessions/:sid/graph/size", async (c) => c.json(await manager.graphSize(sid(c))));
  app.get("/api/sessions/:sid/graph/status", async (c) => {
    return c.json(await manager.graphStatus(sid(c)));
  });
  app.post("/api/sessions/:sid/graph/append", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.includes("application/json") && !type.includes("text/plain")) {
      throw new HttpError(415, "InvalidGraphException", [
        `graph/append needs Content-Type application/json or text/plain, got ${type || "none"}`,
      ]);
    }
    const id = sid(c);
    manager.get(id); // 404 before reading a large body for nothing
    const bytes = await readBytes(c, opts.maxInflatedSize ?? limit * 16);
    // A master reads only what it routes by and forwards the rest as received.
    if (manager instanceof CompositeManager && manager.kind === "master") {
      return c.json(ok(await manager.appendBytes(id, bytes)));
    }
    return c.json(ok(await manager.append(id, await readGraph(bytes))));
  });
  app.post("/api/sessions/:sid/graph/remove", async (c) => {
    const oids = await readBody(c, UidList, limit);
    return c.json(ok(await manager.removeDrops(sid(c), oids)));
  });
  app.get("/api/sessions/:sid/graph/drop/data/:oid{.+}", async (c) => {
    return c.json(await manager.dropFile(sid(c), c.req.param("oid")));
  });
  app.get("/api/sessions/:sid/graph/drop/:oid{.+}", async (c) => {
    return c.json(await manager.dropInfo(sid(c), c.req.param("oid")));
  });
  eventsRoute(app, manager);
  app.on(["GET"], ["/api/sessions/:sid/repro/status", "/api/sessions/:sid/repro/data"], () => {
    throw new HttpError(501, "NotImplementedError", ["reproducibility data is not supported"]);
  });
  if (manager instanceof NodeManager) nodeRoutes(app, manager, limit);
  if (manager instanceof CompositeManager) compositeRoutes(app, manager, limit);
  return app;
}
