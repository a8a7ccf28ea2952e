/**
 * Routes only composite managers have: children (`/api/nodes`, `/api/node/<n>`, master's
 * `/api/islands`, `/api/island/<i>`) and pass-through reads of one node's sessions.
 */
import type { Hono } from "hono";
import type { CompositeManager } from "../manager/mod.ts";
import { SUCCESS } from "./reply.ts";
import { readBody } from "./body.ts";
import { PlacementBody, sessionPath, type SessionRoute, SESSIONS_PATH } from "../wire/mod.ts";

export function compositeRoutes(app: Hono, cm: CompositeManager, limit: number): void {
  const island = cm.attr === "node";
  const kids = cm.childSet;
  app.get("/api/nodes", async (c) => {
    const nodes = await kids.nodes();
    return c.json(island ? nodes : { nodes });
  });
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
  if (island) {
    // Master to island: Drops appended straight to this island's nodes.
    app.post("/api/sessions/:sid/graph/placement", async (c) => {
      cm.place(c.req.param("sid"), await readBody(c, PlacementBody, limit));
      return c.json(SUCCESS);
    });
    return;
  }
  app.get("/api/islands", (c) => c.json({ islands: cm.children.map((x) => x.name) }));
  app.post("/api/island/:island", (c) => {
    kids.add(c.req.param("island"));
    return c.json(SUCCESS);
  });
  app.delete("/api/island/:island", (c) => {
    kids.remove(c.req.param("island"));
    return c.json(SUCCESS);
  });
}
