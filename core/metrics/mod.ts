/** Prometheus metrics of a manager: the registry, the HTTP middleware and `GET /metrics`. */
export { Metrics, type MetricsSources, type PoolStats, trafficKind } from "./metrics.ts";
export { httpMetrics } from "./http.ts";
export { metricsRoute } from "./route.ts";
