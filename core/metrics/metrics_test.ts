import assert from "node:assert/strict";
import { Hono } from "hono";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { RestClient } from "../client/mod.ts";
import type { Drop } from "../drops/mod.ts";
import { ManagerEvents } from "../session/mod.ts";
import { httpMetrics, Metrics, metricsRoute, trafficKind } from "./mod.ts";

type Family = { name: string; type: string; metrics: { value?: string; labels?: object }[] };

async function families(app: Hono): Promise<Map<string, Family>> {
  const res = await app.request("/metrics");
  assert.equal(res.status, 200);
  const parsed = parsePrometheusTextFormat(await res.text()) as Family[];
  return new Map(parsed.map((f) => [f.name, f]));
}

Deno.test("Metrics counts requests by route pattern and status, with latency histograms", async () => {
  const m = new Metrics("node");
  const app = new Hono();
  app.use("*", httpMetrics(m));
  app.get("/api/sessions/:sid", (c) => c.json({ id: c.req.param("sid") }));
  app.route("/", metricsRoute(m));
  await app.request("/api/sessions/a");
  await app.request("/api/sessions/b");
  await app.request("/nowhere");
  const f = await families(app);
  const reqs = f.get("dlg_http_requests_total")!;
  assert.deepEqual(reqs.metrics.map((x) => [x.labels, x.value]), [
    [{ method: "GET", route: "/api/sessions/:sid", status: "200", tier: "node" }, "2"],
    [{ method: "GET", route: "unmatched", status: "404", tier: "node" }, "1"],
  ]);
  assert.equal(f.get("dlg_http_request_duration_seconds")!.type, "HISTOGRAM");
  // One series per (method, route), whatever the statuses; cumulative buckets up to +Inf.
  const text = await (await app.request("/metrics")).text();
  const line = (suffix: string, route: string, le?: string) =>
    text.split("\n").find((l) =>
      l.startsWith(`dlg_http_request_duration_seconds_${suffix}{`) &&
      l.includes(`route="${route}"`) && (le === undefined || l.includes(`le="${le}"`))
    )?.split(" ").at(-1);
  assert.equal(line("count", "/api/sessions/:sid"), "2");
  assert.equal(line("count", "unmatched"), "1");
  assert.equal(line("bucket", "/api/sessions/:sid", "+Inf"), "2");
  const buckets = text.split("\n").filter((l) =>
    l.startsWith("dlg_http_request_duration_seconds_bucket{") && l.includes("/api/sessions/:sid")
  ).map((l) => Number(l.split(" ").at(-1)));
  assert.equal(buckets.length, 10);
  assert.deepEqual(buckets, [...buckets].sort((a, b) => a - b));
  const sum = Number(line("sum", "/api/sessions/:sid"));
  assert.ok(sum >= 0 && sum < 1, String(sum));
  // Counted between scrapes, taken in at each: totals keep adding up.
  await app.request("/api/sessions/c");
  const again = (await families(app)).get("dlg_http_requests_total")!;
  assert.equal(
    again.metrics.find((x) =>
      x.labels && "route" in x.labels && x.labels.route === "/api/sessions/:sid"
    )?.value,
    "3",
  );
});

Deno.test("Metrics counts Drop changes as they happen and reads gauges at scrape time", async () => {
  const m = new Metrics("node");
  const events = new ManagerEvents();
  const stop = m.watch(events);
  const drop = (status: number) => ({ status }) as Drop;
  events.dropChanged("s", drop(2), 1);
  events.dropChanged("s", drop(2), 0);
  events.dropChanged("s", drop(3), 1);
  events.sessionChanged("s", { status: 3 });
  stop();
  events.sessionChanged("s", { status: 4 });
  events.dropChanged("s", drop(2), 1);
  let busy = 1;
  m.attach({
    sessions: () => ({ RUNNING: 2 }),
    drops: () => ({ COMPLETED: 2, ERROR: 1 }),
    pools: { worker: () => ({ size: 4, workers: 2, busy, queued: 0 }) },
    children: () => [{ name: "n1", down: undefined }, { name: "n2", down: "no answer" }],
  });
  m.retried("events");
  const app = metricsRoute(m);
  let f = await families(app);
  const values = (name: string) =>
    f.get(name)!.metrics.map((x) => [JSON.stringify(x.labels), Number(x.value)]);
  assert.deepEqual(values("dlg_drop_changes_total"), [
    ['{"state":"COMPLETED","tier":"node"}', 2],
    ['{"state":"ERROR","tier":"node"}', 1],
  ]);
  assert.deepEqual(values("dlg_session_events_total"), [
    ['{"event":"drop","tier":"node"}', 3],
    ['{"event":"session","tier":"node"}', 1],
  ]);
  assert.deepEqual(values("dlg_sessions"), [['{"state":"RUNNING","tier":"node"}', 2]]);
  assert.deepEqual(values("dlg_child_up"), [
    ['{"child":"n1","tier":"node"}', 1],
    ['{"child":"n2","tier":"node"}', 0],
  ]);
  assert.deepEqual(values("dlg_retries_total"), [['{"kind":"events","tier":"node"}', 1]]);
  busy = 0;
  f = await families(app);
  const pool = f.get("dlg_pool")!.metrics.find((x) => JSON.stringify(x.labels).includes("busy"));
  assert.equal(pool?.value, "0", "gauges are read at each scrape");
});

Deno.test("Metrics.observing counts outbound calls and their known bytes through RestClient", async () => {
  const m = new Metrics("island");
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () => new Response("ok"),
  );
  try {
    const c = new RestClient(`http://127.0.0.1:${server.addr.port}`, {
      transport: m.observing({}),
    });
    await (await c.raw("POST", "/api/sessions/s/events", { body: "[1,2,3]" })).body?.cancel();
    await (await c.raw("GET", "/api/sessions/s/drops/u/data")).body?.cancel();
    await (await c.raw("POST", "/api/sessions/s/events", { body: "[]", attempt: 1 })).body
      ?.cancel();
    const f = await families(metricsRoute(m));
    const retries = f.get("dlg_retries_total")!.metrics.map((x) => [x.labels, x.value]);
    assert.deepEqual(retries, [[{ kind: "events", tier: "island" }, "1"]]);
    const calls = f.get("dlg_tier_requests_total")!.metrics.map((x) => [x.labels, x.value]);
    assert.deepEqual(calls, [
      [{ direction: "out", kind: "events", status: "200", tier: "island" }, "2"],
      [{ direction: "out", kind: "data", status: "200", tier: "island" }, "1"],
    ]);
    const bytes = f.get("dlg_tier_bytes_total")!.metrics.map((x) => [x.labels, x.value]);
    assert.deepEqual(bytes, [
      [{ direction: "out", kind: "events", tier: "island" }, "9"],
      [{ direction: "in", kind: "events", tier: "island" }, "4"],
      [{ direction: "in", kind: "data", tier: "island" }, "2"],
    ]);
  } finally {
    await server.shutdown();
  }
});

Deno.test("trafficKind names what a path carries", () => {
  assert.equal(trafficKind("POST", "/api/sessions/s/events"), "events");
  assert.equal(trafficKind("GET", "/api/sessions/s/events"), "stream");
  assert.equal(trafficKind("GET", "/api/sessions/s/drops/x/data"), "data");
  assert.equal(trafficKind("POST", "/api/sessions/s/graph/append"), "graph");
  assert.equal(trafficKind("GET", "/api/sessions"), "control");
});
