/**
 * Routes only composite managers have: children (`/api/nodes`, `/api/node/<n>`) and
 * pass-through reads of one node's sessions; then the island's (`graph/placement`) and the
 * master's (`/api/islands`, `/api/island/<i>`). `dlg-island` mounts `compositeRoutes` and
 * `islandRoutes` on `createApp`'s app, `dlg-master` `compositeRoutes` and `masterRoutes`.
 */
import { Hono } from "hono";
import type { CompositeManager } from "../manager/mod.ts";
import { bodyLimitOf, type RouteOptions, SUCCESS } from "./reply.ts";
import { readBody } from "./body.ts";
import {
  dropPath,
  PlacementBody,
  sessionPath,
  type SessionRoute,
  SESSIONS_PATH,
} from "../wire/mod.ts";

export function compositeRoutes(cm: CompositeManager): Hono {
  const app = new Hono();
  const island = cm.attr === "node";
  const kids = cm.childSet;
  app.get("/api/nodes", async (c) => {
    const nodes = await kids.nodes();
    return c.json(island ? nodes : { nodes });
  });
  // The web UI's health table: each child, up or down (since when, why), from the health check.
  app.get("/api/children", (c) =>
    c.json(cm.children.map((x) => ({
      name: x.name,
      up: x.down === undefined,
      // Down since its last answer to a health check.
      ...(x.down === undefined ? {} : { error: x.down, downSince: x.lastOk }),
    }))));
  app.post("/api/node/:node", (c) => {
    if (island) kids.add(c.req.param("node"));
    else kids.addExtraNode(c.req.param("node"));
    return c.json(SUCCESS);
  });
  app.delete("/api/node/:node", (c) => {
    if (island) kids.remove(c.req.param("node"));
    else kids.removeExtraNode(c.req.param("node"));
    return c.json(SUCCESS);
  });
  app.get("/api/node/:node/sessions", async (c) => {
    return c.json(await kids.passThrough(c.req.param("node"), SESSIONS_PATH));
  });
  for (const rest of ["", "/status", "/graph", "/graph/status"] as SessionRoute[]) {
    app.get(`/api/node/:node/sessions/:sid${rest}`, async (c) => {
      const path = sessionPath(c.req.param("sid"), rest);
      return c.json(await kids.passThrough(c.req.param("node"), path));
    });
  }
  app.get("/api/node/:node/sessions/:sid/graph/drop/:oid{.+}", async (c) => {
    const path = dropPath(c.req.param("sid"), c.req.param("oid"));
    return c.json(await kids.passThrough(c.req.param("node"), path));
  });
  return app;
}

/** Master to island: Drops appended straight to this island's nodes. */
export function islandRoutes(cm: CompositeManager, o: RouteOptions = {}): Hono {
  const limit = bodyLimitOf(o);
  const app = new Hono();
  app.post("/api/sessions/:sid/graph/placement", async (c) => {
    cm.place(c.req.param("sid"), await readBody(c, PlacementBody, limit));
    return c.json(SUCCESS);
  });
  return app;
}

/** A master's islands. */
export function masterRoutes(cm: CompositeManager): Hono {
  const app = new Hono();
  const kids = cm.childSet;
  app.get("/api/islands", (c) => c.json({ islands: cm.children.map((x) => x.name) }));
  app.post("/api/island/:island", (c) => {
    kids.add(c.req.param("island"));
    return c.json(SUCCESS);
  });
  app.delete("/api/island/:island", (c) => {
    kids.remove(c.req.param("island"));
    return c.json(SUCCESS);
  });
  return app;
}
