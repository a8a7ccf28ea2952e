/** A composite deploy one child refuses: FAILED there with its error, the rest cancelled. */
import assert from "node:assert/strict";
import { withTier } from "./_util/tiers.ts";
import { waitFor } from "../core/testing/mod.ts";

const FORM = { "content-type": "application/x-www-form-urlencoded" };

for (const tier of ["island", "master"] as const) {
  Deno.test(`${tier}: a deploy one node refuses fails the session and cancels the other node`, async () => {
    await withTier(tier, async (api) => {
      await api.post("/api/sessions", { sessionId: "s" });
      // place() alternates nodes: A and S on the first, C -> P on the second, where P is a data
      // Drop named as a consumer: a link between the wrong kinds, which only that node finds, at
      // deploy.
      const graph = api.place([
        {
          oid: "A",
          categoryType: "Data",
          dropclass: "dlg.data.drops.memory.InMemoryDROP",
          consumers: ["S"],
        },
        {
          oid: "C",
          categoryType: "Data",
          dropclass: "dlg.data.drops.memory.InMemoryDROP",
          consumers: ["P"],
        },
        {
          oid: "S",
          categoryType: "Application",
          dropclass: "dlg.apps.simple.SleepApp",
          sleep_time: 30,
        },
        {
          oid: "P",
          categoryType: "Data",
          dropclass: "dlg.data.drops.memory.InMemoryDROP",
        },
      ]);
      const appended = await api.post("/api/sessions/s/graph/append", graph);
      assert.equal(appended.status, 200, JSON.stringify(appended.body));
      const [good, bad] = api.nodes as [string, string];
      const refuser = tier === "island" ? bad : api.islands[0]!;

      const r = await api.post("/api/sessions/s/deploy", "completed=A", FORM);
      assert.equal(r.status, 555, JSON.stringify(r.body));
      const body = r.body as { type: string; args: Record<string, unknown> };
      assert.equal(body.type, "SubManagerException");
      // Children go by their full node string (host:port:events:rpc).
      const [child = "", ...more] = Object.keys(body.args);
      assert.ok(child?.startsWith(`${refuser}:`) && more.length === 0, JSON.stringify(body.args));
      assert.match(JSON.stringify(body.args), /but P is a data Drop/);

      // FAILED at this tier, with the child's error, and 6 for that child in the status map.
      const status = (await api.get("/api/sessions/s/status")).body as Record<string, unknown>;
      assert.equal(status[child], 6, JSON.stringify(status));
      const details = (await api.get("/api/sessions/s")).body as { error?: string };
      assert.match(details.error ?? "", new RegExp(`${child} failed: .*data Drop`));
      // What deployed elsewhere was cancelled (S: execStatus CANCELLED, its root never came).
      await waitFor(async () => {
        const st = await api.get(`/api/node/${good}/sessions/s/status`);
        return st.body === 5 || undefined;
      }, { timeout: 5000, what: `${good} CANCELLED` });
      const s = await api.get(`/api/node/${good}/sessions/s/graph/status`);
      assert.equal((s.body as Record<string, { execStatus?: number }>).S?.execStatus, 4);
      // The event stream ends: its last event is the terminal `session` with that error.
      const events = await api.get("/api/sessions/s/events");
      const text = String(events.body);
      const last = text.trim().split("\n\n").at(-1) ?? "";
      const field = (k: string) =>
        last.split("\n").find((l) => l.startsWith(`${k}: `))?.slice(k.length + 2);
      assert.equal(field("event"), "session", text);
      const data = JSON.parse(field("data") ?? "{}") as { status: unknown; error?: string };
      assert.equal((data.status as Record<string, unknown>)[child], 6, last);
      assert.match(data.error ?? "", new RegExp(`${child} failed: .*data Drop`));
      // A second deploy is refused: the session is not BUILDING any more.
      assert.equal((await api.post("/api/sessions/s/deploy", "completed=A", FORM)).status, 400);
    });
  });
}
