/** A manager's full app, as its tier's entry builds it: the common routes plus its own. */
import type { Hono } from "hono";
import { CompositeManager, type DropManager, NodeManager } from "../../core/manager/mod.ts";
import {
  type AppOptions,
  compositeRoutes,
  createApp,
  islandRoutes,
  masterRoutes,
  nodeRoutes,
} from "../../core/rest/mod.ts";

export function tierApp(manager: DropManager, o: AppOptions = {}): Hono {
  const app = createApp(manager, o);
  if (manager instanceof NodeManager) return app.route("/", nodeRoutes(manager, o));
  if (!(manager instanceof CompositeManager)) return app;
  app.route("/", compositeRoutes(manager));
  return app.route(
    "/",
    manager.kind === "island" ? islandRoutes(manager, o) : masterRoutes(manager),
  );
}
