/**
 * What the web UI reads of a big session on a node (issue 17): `GET .../graph` and
 * `graph/status` written in slices give the same JSON as before, `?view=ui` is the compact form,
 * and a big session's `snapshot` event is the same text made in slices.
 */
import assert from "node:assert/strict";
import { isDeepStrictEqual } from "node:util";
import { STREAM_AT } from "../core/rest/json_stream.ts";
import { chainGraph } from "./bench/one_node.ts";
import { appSpec, mem, withNode } from "./_util/inproc.ts";
import { tierApp } from "./_util/tier_app.ts";
import { withTier } from "./_util/tiers.ts";
import { splitGraph } from "../core/client/mod.ts";
import type { EventStream, SessionDetails } from "../core/manager/mod.ts";

const text = async (r: Response) => {
  assert.equal(r.status, 200);
  assert.match(r.headers.get("content-type") ?? "", /application\/json/);
  return await r.text();
};

Deno.test("a big session's details, graph, graph/status and snapshot: same JSON, made in slices", async () => {
  await withNode(async (api) => {
    const { specs } = chainGraph(Math.ceil(STREAM_AT / 100) + 5, 100);
    const sent = Object.fromEntries(
      JSON.parse(JSON.stringify(specs)).map((s: { oid: string }) => [s.oid, s]),
    );
    await api.session("big", specs);
    const app = tierApp(api.nm);
    const graph = await text(await app.request("/api/sessions/big/graph"));
    assert.equal(graph, JSON.stringify(api.nm.graph("big")));
    // The specs as sent: a node keeps one-OID link lists compactly, and gives them back as lists.
    assert.deepEqual(JSON.parse(graph), sent);
    // GET /api/sessions/<sid>, which holds the graph too, is the same text made in slices.
    const details = await text(await app.request("/api/sessions/big"));
    assert.equal(details, JSON.stringify(api.nm.session("big")));
    // Deployed but not started (no roots completed): every Drop waits.
    const d = await api.post("/api/sessions/big/deploy", "completed=", {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(d.status, 200);
    const status = await text(await app.request("/api/sessions/big/graph/status"));
    assert.equal(status, JSON.stringify(api.nm.graphStatus("big")));

    // In process: the snapshot event carries its pieces; its data is the same text.
    const reader = api.nm.watch("big");
    const it = reader[Symbol.asyncIterator]();
    const first = (await it.next()).value!;
    assert.equal(first.event, "snapshot");
    assert.ok(first.sliced, "a big session's snapshot is sliced");
    let joined = "";
    for await (const p of first.sliced.pieces()) joined += p;
    assert.equal(joined, first.data);
    const snap = JSON.parse(joined);
    assert.equal(snap.status, 3);
    assert.deepEqual(snap.drops, api.nm.graphStatus("big"));
    reader.close();

    // Over HTTP: one `data:` line, then its id.
    const ac = new AbortController();
    const r = await app.request("/api/sessions/big/events", { signal: ac.signal });
    const body = r.body!.pipeThrough(new TextDecoderStream()).getReader();
    let sse = "";
    while (!sse.includes("\n\n")) sse += (await body.read()).value ?? "";
    const [head, data, id] = sse.slice(0, sse.indexOf("\n\n")).split("\n");
    assert.equal(head, "event: snapshot");
    assert.deepEqual(JSON.parse(data!.slice("data: ".length)), snap);
    assert.match(id!, /^id: \d+$/);
    await body.cancel();
    ac.abort();
    await api.post("/api/sessions/big/cancel");
  }, { maxRequestSize: 10 * 1024 * 1024 });
});

Deno.test("GET .../graph?view=ui: OIDs, app flags, nodes, constructs and links once", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("A", { node: "n1", consumers: ["B"], name: "input" }),
      appSpec("B", "SleepApp", { node: "n1", inputs: ["A"], outputs: ["C"] }),
      mem("C", { node: "n2", producers: ["B"], name: "output" }),
    ]);
    const r = await api.get("/api/sessions/s/graph?view=ui");
    assert.equal(r.status, 200);
    const ui = r.body as Record<string, unknown[]> & { app: string };
    assert.deepEqual(ui.oids, ["A", "B", "C"]);
    assert.equal(ui.view, "ui");
    assert.equal(ui.app, "010");
    assert.deepEqual(ui.nodes, ["n1", "n2"]);
    assert.deepEqual(ui.node, [0, 0, 1]);
    assert.equal(ui.names?.length, 3);
    const names = ui.names as string[], name = ui.name as number[];
    assert.equal(names[name[0]!], "input");
    assert.match(names[name[1]!]!, /SleepApp/);
    // A->B and B->C, each said from both ends in the specs, once each.
    assert.deepEqual(ui.edges, [0, 1, 1, 2]);
    // DALiuGE's form is unchanged.
    const full = (await api.get("/api/sessions/s/graph")).body as Record<string, unknown>;
    assert.deepEqual(Object.keys(full), ["A", "B", "C"]);
  });
});

/** Big values compared without a diff (one of 20k specs takes minutes to make). */
function same(got: unknown, want: unknown, what: string): void {
  assert.ok(isDeepStrictEqual(got, want), `${what}: not what the tier's own view says`);
}

/** The first event of `reader` (a snapshot), its JSON made from its pieces when sliced. */
async function firstSnapshot(reader: EventStream): Promise<{ sliced: boolean; data: unknown }> {
  const first = (await reader[Symbol.asyncIterator]().next()).value!;
  assert.equal(first.event, "snapshot");
  let text = "";
  if (first.sliced) { for await (const p of first.sliced.pieces()) text += p; }
  reader.close();
  return { sliced: first.sliced !== undefined, data: JSON.parse(text || first.data) };
}

for (const tier of ["island", "master"] as const) {
  for (const crossing of [false, true]) {
    // Whole chains on one node each: no link is cut, so the island's answers are joined as
    // they are. Or every Drop on the other node from its neighbours: the island cut every link
    // at append and puts each back in the specs it forwards.
    const layout = crossing ? "links cut at the island put back" : "children's answers joined";
    Deno.test(`${tier}: a big session's details, graph, graph/status and snapshot (${layout})`, async () => {
      await withTier(tier, async (api) => {
        const { specs } = chainGraph(Math.ceil(STREAM_AT / 100) + 5, 100);
        const placed = specs.map((s, i) => ({
          ...s,
          node: api.nodes[(crossing ? i : Math.floor(i / 100)) % 2],
          ...(api.islands.length ? { island: api.islands[0] } : {}),
        }));
        assert.equal((await api.post("/api/sessions", { sessionId: "big" })).status, 200);
        for (const part of splitGraph(placed, 900_000)) {
          const a = await api.post("/api/sessions/big/graph/append", part, {
            "content-type": "application/json",
          });
          assert.equal(a.status, 200, JSON.stringify(a.body));
        }
        const graph = (await api.get("/api/sessions/big/graph")).body as Record<
          string,
          Record<string, unknown>
        >;
        same(graph, await api.manager.graph("big"), "graph");
        assert.equal(Object.keys(graph).length, specs.length);
        // Each link as sent, whichever node holds either end.
        for (const sent of specs.slice(0, 300)) {
          const got = graph[sent.oid as string]!;
          for (const key of ["consumers", "outputs"]) {
            assert.deepEqual(got[key], sent[key], `${sent.oid} ${key}`);
          }
        }
        // The details hold the graph too: the same, joined the same way.
        const details = await api.get("/api/sessions/big");
        same(details.body, await api.manager.session("big"), "details");
        // Without the specs (how a parent asks for them), the rest is the same.
        const bare = (await api.get("/api/sessions/big?graph=false")).body as SessionDetails;
        assert.deepEqual(bare.graph, {});
        assert.deepEqual(bare.status, (details.body as SessionDetails).status);
        assert.deepEqual(bare.dir, (details.body as SessionDetails).dir);
        const d = await api.post("/api/sessions/big/deploy", "completed=", {
          "content-type": "application/x-www-form-urlencoded",
        });
        assert.equal(d.status, 200, JSON.stringify(d.body));
        const status = await api.get("/api/sessions/big/graph/status");
        same(status.body, await api.manager.graphStatus("big"), "graph/status");
        assert.equal(Object.keys(status.body as object).length, specs.length);
        // A composite's snapshot of a big session is made in slices, and holds every Drop.
        const snap = await firstSnapshot(await api.manager.watch("big"));
        assert.ok(snap.sliced, "a big session's snapshot is sliced at a composite tier too");
        same((snap.data as { drops: unknown }).drops, status.body, "snapshot");
      });
    });
  }
}
