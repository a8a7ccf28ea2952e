/**
 * The cluster token at every tier (DESIGN §8, issue 12): every route the node, island and
 * master apps mount answers 401 without the token or with a wrong one, never echoing either, and
 * works with it; composite managers and nodes carry it to their children and peers.
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { CompositeManager, type DropManager, NodeManager } from "../core/manager/mod.ts";
import { SessionStates } from "../core/drops/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { tierApp } from "./_util/tier_app.ts";
import { flat, type Tier } from "./_util/tiers.ts";

const TOKEN = `tok-${crypto.randomUUID()}`;
const WRONG = `${TOKEN.slice(0, -1)}${TOKEN.endsWith("0") ? "1" : "0"}`;
const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
const transport = { headers: bearer(TOKEN) };
/** A child that does not exist, added and removed by the child routes. */
const NOWHERE = "dlg-nowhere.invalid:1";

interface Tiered {
  app: Hono;
  nodes: string[];
  islands: string[];
}

/** A tier's app with the token on, over real (token-requiring) servers for its children. */
async function withTier(tier: Tier, fn: (t: Tiered) => Promise<void>): Promise<void> {
  const dirs: string[] = [];
  const servers: { server: Deno.HttpServer; manager: DropManager }[] = [];
  const node = async () => {
    const workDir = await Deno.makeTempDir({ prefix: "dlg-auth-" });
    dirs.push(workDir);
    return new NodeManager({ workDir, dlmCheckPeriod: 0, transport });
  };
  const serve = (manager: DropManager) => {
    const app = tierApp(manager, { token: TOKEN });
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    servers.push({ server, manager });
    return `127.0.0.1:${server.addr.port}`;
  };
  let manager: DropManager | undefined;
  try {
    let nodes: string[] = [];
    let islands: string[] = [];
    if (tier === "node") manager = await node();
    else {
      nodes = [serve(await node()), serve(await node())];
      const island = new CompositeManager({
        attr: "node",
        children: nodes,
        checkPeriod: 0,
        transport,
      });
      if (tier === "island") manager = island;
      else {
        islands = [serve(island)];
        manager = new CompositeManager({
          attr: "island",
          children: islands,
          checkPeriod: 0,
          transport,
        });
      }
    }
    await fn({
      app: tierApp(manager, { token: TOKEN, maxRequestSize: 1024 * 1024 }),
      nodes,
      islands,
    });
  } finally {
    await manager?.stop();
    for (const { server, manager } of servers.reverse()) {
      await server.shutdown();
      await manager.stop();
    }
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

/** Every route the app serves, its parameters filled in. */
/** The web UI's static page, script and style: no data, so they load without the token. */
const UI_ROUTES = ["GET /", "GET /ui/app.js", "GET /ui/app.css"];

function routesOf(app: Hono, sid: string): { method: string; path: string }[] {
  const seen = new Set<string>();
  const out: { method: string; path: string }[] = [];
  for (const r of app.routes) {
    if (r.method === "ALL") continue; // middleware
    if (UI_ROUTES.includes(`${r.method} ${r.path}`)) continue;
    const path = r.path.replace(
      /:(\w+)(\{[^}]*\})?/g,
      (_m, name: string) =>
        name === "sid" ? sid : name === "node" || name === "island" ? NOWHERE : "A",
    );
    const key = `${r.method} ${path}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ method: r.method, path });
  }
  return out;
}

async function call(app: Hono, method: string, path: string, headers: Record<string, string> = {}) {
  const body = method === "GET" || method === "HEAD" ? undefined : "[]";
  const res = await app.request(path, {
    method,
    body,
    headers: body ? { "content-type": "application/json", ...headers } : headers,
  });
  const text = res.headers.get("content-type")?.includes("event-stream")
    ? (await res.body?.cancel(), "")
    : await res.text();
  return { status: res.status, text, headers: res.headers };
}

/** Routes each tier must have among those checked: its own and the tier-to-tier ones. */
const OWN: Record<Tier, string[]> = {
  node: [
    "GET /api/sessions/s1/events",
    "POST /api/sessions/s1/events",
    "POST /api/sessions/s1/trigger",
    "POST /api/sessions/s1/subscriptions",
    "GET /api/sessions/s1/drops/A/data",
    "POST /api/sessions/s1/drops/A/data",
    "GET /api/submission_method",
  ],
  island: ["GET /api/nodes", "POST /api/sessions/s1/graph/placement", "POST /api/stop"],
  master: ["GET /api/islands", `POST /api/island/${NOWHERE}`, "GET /api/sessions/s1/events"],
};

const FORM = { "content-type": "application/x-www-form-urlencoded" };

/** A small graph across the tier's nodes (and islands): A -> copy -> B, A and B apart. */
function graph(t: Tiered): Record<string, unknown>[] {
  const at = (i: number) =>
    t.nodes.length
      ? { node: t.nodes[i], ...(t.islands.length ? { island: t.islands[0] } : {}) }
      : {};
  const mem = "dlg.data.drops.memory.InMemoryDROP";
  return [
    { oid: "A", categoryType: "Data", dropclass: mem, pydata: "hello", ...at(0) },
    {
      oid: "copy",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.CopyApp",
      inputs: ["A"],
      outputs: ["B"],
      ...at(1),
    },
    { oid: "B", categoryType: "Data", dropclass: mem, ...at(1) },
  ];
}

for (const tier of ["node", "island", "master"] as const) {
  Deno.test(`${tier}: every route answers 401 without the token or with a wrong one`, async () => {
    await withTier(tier, async ({ app }) => {
      const routes = routesOf(app, "s1");
      const names = routes.map((r) => `${r.method} ${r.path}`);
      for (const own of OWN[tier]) assert.ok(names.includes(own), `${own} not in ${names}`);
      for (const { method, path } of routes) {
        for (
          const headers of [{}, bearer(WRONG), { authorization: `Basic ${btoa(`u:${TOKEN}`)}` }]
        ) {
          const r = await call(app, method, path, headers);
          const what = `${method} ${path} with ${JSON.stringify(headers)}`;
          assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
          assert.equal(JSON.parse(r.text).type, "Unauthorized", what);
          assert.ok(
            !r.text.includes(TOKEN) && !r.text.includes(WRONG),
            `${what} echoes: ${r.text}`,
          );
          assert.match(r.headers.get("www-authenticate") ?? "", /^Bearer/);
        }
      }
      // Unknown routes too: nothing is learnt without the token.
      assert.equal((await call(app, "GET", "/api/no/such/route")).status, 401);
      // The UI's static files load without it (a browser cannot send one for a page); they are
      // the same bytes for everyone, and every call they make needs the token.
      for (const route of UI_ROUTES) {
        const r = await call(app, "GET", route.slice(4));
        assert.equal(r.status, 200, route);
        assert.ok(!r.text.includes(TOKEN), route);
      }
    });
  });

  Deno.test(`${tier}: with the token every route is served and a cross-node graph finishes`, async () => {
    await withTier(tier, async (t) => {
      const { app } = t;
      const ok = bearer(TOKEN);
      // Every route gets past the guard (a session that does not exist: 404s, 400s, no 401).
      for (const { method, path } of routesOf(app, "none")) {
        const r = await call(app, method, path, ok);
        assert.notEqual(r.status, 401, `${method} ${path}: ${r.text}`);
      }
      // A whole session through the guard; the children need the token too.
      const made = await app.request("/api/sessions", {
        method: "POST",
        body: JSON.stringify({ sessionId: "s1" }),
        headers: { ...ok, "content-type": "application/json" },
      });
      assert.equal(made.status, 200, await made.text());
      const appended = await app.request("/api/sessions/s1/graph/append", {
        method: "POST",
        body: JSON.stringify(graph(t)),
        headers: { ...ok, "content-type": "application/json" },
      });
      assert.equal(appended.status, 200, await appended.text());
      const deployed = await app.request("/api/sessions/s1/deploy", {
        method: "POST",
        body: "completed=A",
        headers: { ...ok, ...FORM },
      });
      assert.equal(deployed.status, 200, await deployed.text());
      await waitFor(async () => {
        const r = await call(app, "GET", "/api/sessions/s1/status", ok);
        return flat(JSON.parse(r.text));
      }, { until: (s) => s.length > 0 && s.every((x) => x === SessionStates.FINISHED) });
      const events = await app.request("/api/sessions/s1/events", { headers: ok });
      assert.equal(events.status, 200);
      assert.match(await events.text(), /event: snapshot/);
    });
  });
}

Deno.test("CORS preflights pass without the token; a 401 to an allowed page carries CORS", async () => {
  await withTier("node", async ({ app }) => {
    const origin = "http://dlg-tm.localhost";
    const pre = await app.request("/api/sessions", {
      method: "OPTIONS",
      headers: { origin, "access-control-request-method": "POST" },
    });
    await pre.body?.cancel();
    assert.equal(pre.status, 204);
    assert.equal(pre.headers.get("access-control-allow-origin"), origin);
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /Authorization/i);
    const denied = await app.request("/api/sessions", { headers: { origin } });
    assert.equal(denied.status, 401);
    assert.equal(denied.headers.get("access-control-allow-origin"), origin);
    assert.equal(JSON.parse(await denied.text()).type, "Unauthorized");
  });
});
