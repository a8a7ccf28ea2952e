/** `GET /metrics`: the Prometheus text exposition of a manager's metrics. */
import { Hono } from "hono";
import type { Metrics } from "./metrics.ts";

export function metricsRoute(m: Metrics): Hono {
  const app = new Hono();
  app.get("/metrics", async (c) => c.body(await m.text(), 200, { "content-type": m.contentType }));
  return app;
}
