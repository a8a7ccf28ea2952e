/**
 * Routes only composite managers have: children (`/api/nodes`, `/api/node/<n>`, master's
 * `/api/islands`, `/api/island/<i>`) and pass-through reads of one node's sessions.
 */
import type { Hono } from "hono";
import type { CompositeManager } from "../manager/mod.ts";
import { SUCCESS } from "./reply.ts";

const enc = encodeURIComponent;

export function compositeRoutes(app: Hono, cm: CompositeManager): void {
  const island = cm.attr === "node";
  app.get("/api/nodes", async (c) => {
    const nodes = await cm.allNodes();
    return c.json(island ? nodes : { nodes });
  });
  app.post("/api/node/:node", (c) => {
    if (island) cm.addChild(c.req.param("node"));
    else cm.addExtraNode(c.req.param("node"));
    return c.json(SUCCESS);
  });
  app.delete("/api/node/:node", (c) => {
    if (island) cm.removeChild(c.req.param("node"));
    else cm.removeExtraNode(c.req.param("node"));
    return c.json(SUCCESS);
  });
  app.get("/api/node/:node/sessions", async (c) => {
    return c.json(await cm.passThrough(c.req.param("node"), "/api/sessions"));
  });
  for (const rest of ["", "/status", "/graph", "/graph/status"]) {
    app.get(`/api/node/:node/sessions/:sid${rest}`, async (c) => {
      const path = `/api/sessions/${enc(c.req.param("sid"))}${rest}`;
      return c.json(await cm.passThrough(c.req.param("node"), path));
    });
  }
  if (island) return;
  app.get("/api/islands", (c) => c.json({ islands: cm.children.map((x) => x.name) }));
  app.post("/api/island/:island", (c) => {
    cm.addChild(c.req.param("island"));
    return c.json(SUCCESS);
  });
  app.delete("/api/island/:island", (c) => {
    cm.removeChild(c.req.param("island"));
    return c.json(SUCCESS);
  });
}
