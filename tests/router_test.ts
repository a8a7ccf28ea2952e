/**
 * Every tier's routes fit Hono's RegExpRouter: one route it cannot take (e.g. two overlapping
 * `{.+}` params) makes the app fall back to the TrieRouter, whose matching was the largest single
 * cost of a `GET .../status` under load.
 */
import assert from "node:assert/strict";
import { RegExpRouter } from "hono/router/reg-exp-router";
import { CompositeManager, type DropManager, NodeManager } from "../core/manager/mod.ts";
import { Metrics, metricsRoute } from "../core/metrics/mod.ts";
import { tierApp } from "./_util/tier_app.ts";

function assertRegExpRoutable(manager: DropManager): void {
  const app = tierApp(manager).route("/", metricsRoute(new Metrics(manager.kind)));
  const router = new RegExpRouter<string>();
  for (const r of app.routes) router.add(r.method, r.path, r.path);
  assert.doesNotThrow(() => router.match("GET", "/api/sessions"), manager.kind);
  // The one route that serves both `drop/<oid>` and `drop/data/<oid>` is still one route.
  const [found] = router.match("GET", "/api/sessions/s/graph/drop/data/a/b");
  assert.ok(found.some(([path]) => path === "/api/sessions/:sid/graph/drop/:oid{.+}"));
}

Deno.test("node, island and master routes fit the RegExpRouter", async () => {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-router-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  const island = new CompositeManager({ attr: "node", children: [], checkPeriod: 0 });
  const master = new CompositeManager({ attr: "island", children: [], checkPeriod: 0 });
  try {
    assertRegExpRoutable(nm);
    assertRegExpRoutable(island);
    assertRegExpRoutable(master);
  } finally {
    await master.stop();
    await island.stop();
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
});
