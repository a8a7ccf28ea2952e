/** What only composite managers do: routing by node/island, rollback, children, child errors. */
import assert from "node:assert/strict";
import { flat, withTier } from "./_util/tiers.ts";
import { waitFor } from "../core/testing/mod.ts";

const mem = (oid: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.memory.InMemoryDROP",
  ...extra,
});
const FORM = { "content-type": "application/x-www-form-urlencoded" };

Deno.test("island append rejects a Drop on a node that is not a child", async () => {
  await withTier("island", async (api) => {
    await api.post("/api/sessions", { sessionId: "s" });
    const far = await api.post("/api/sessions/s/graph/append", [mem("A", { node: "otherhost:9" })]);
    assert.equal(far.status, 400);
    assert.deepEqual(far.body, {
      type: "InvalidGraphException",
      args: ["Drop A's node otherhost:9 does not belong to this manager"],
    });
    assert.equal((await api.get("/api/sessions/s/graph/size")).body, 0);
  });
});

Deno.test("master append rejects a Drop whose island is not a child", async () => {
  await withTier("master", async (api) => {
    await api.post("/api/sessions", { sessionId: "s" });
    const r = await api.post("/api/sessions/s/graph/append", [
      mem("A", { node: api.nodes[0], island: "127.0.0.1:1" }),
    ]);
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, {
      type: "InvalidGraphException",
      args: ["Drop A's island 127.0.0.1:1 does not belong to this manager"],
    });
  });
});

Deno.test("master append rejects a Drop whose node is not under its island, changing nothing", async () => {
  await withTier("master", async (api) => {
    await api.post("/api/sessions", { sessionId: "s" });
    const island = api.islands[0]!;
    const far = await api.post("/api/sessions/s/graph/append", [
      mem("A", { node: api.nodes[0], island }),
      mem("B", { node: "127.0.0.1:1", island }),
    ]);
    assert.equal(far.status, 400);
    assert.deepEqual(far.body, {
      type: "InvalidGraphException",
      args: [`Drop B's node 127.0.0.1:1 is not a node of island ${island}:5555:6666`],
    });
    assert.equal((await api.get("/api/sessions/s/graph/size")).body, 0);
    for (const n of api.nodes) {
      assert.deepEqual((await api.get(`/api/node/${n}/sessions`)).body, [
        { sessionId: "s", status: 0, size: 0 },
      ]);
    }
  });
});

for (const tier of ["master", "island"] as const) {
  Deno.test(`${tier}: an append repeating an OID already in the session is refused, changing nothing`, async () => {
    await withTier(tier, async (api) => {
      await api.post("/api/sessions", { sessionId: "s" });
      const at = (i: number) => ({
        node: api.nodes[i % api.nodes.length],
        ...(tier === "master" ? { island: api.islands[0] } : {}),
      });
      const first = Array.from({ length: 30 }, (_, i) => mem(`a${i}`, at(i)));
      assert.equal((await api.post("/api/sessions/s/graph/append", first)).status, 200);
      // Repeated first, in the middle and last of a batch of new ones (on another node too).
      for (const k of [0, 10, 19]) {
        const batch = Array.from({ length: 20 }, (_, i) => mem(`b${k}_${i}`, at(i + 1)));
        batch[k] = mem("a7", at(k + 1));
        const r = await api.post("/api/sessions/s/graph/append", batch);
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, {
          type: "InvalidGraphException",
          args: ["Drop a7 is already in the session (duplicate oid)"],
        });
      }
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 30);
      const graph = (await api.get("/api/sessions/s/graph")).body as Record<
        string,
        { node: string }
      >;
      assert.deepEqual(Object.keys(graph).sort(), first.map((d) => d.oid).sort());
      assert.equal(graph.a7!.node, api.nodes[7 % api.nodes.length]);
      // The refused batches' new OIDs are not taken: they go in now.
      const again = Array.from({ length: 20 }, (_, i) => mem(`b10_${i}`, at(i)));
      assert.equal((await api.post("/api/sessions/s/graph/append", again)).status, 200);
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 50);
    });
  });
}

Deno.test("master appends straight to the nodes; the island learns only where Drops went", async () => {
  await withTier("master", async (api) => {
    await api.post("/api/sessions", { sessionId: "s" });
    const graph = api.place([mem("A", { consumers: ["B"] }), {
      oid: "B",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.CopyApp",
      outputs: ["C"],
    }, mem("C")]);
    const r = await api.post("/api/sessions/s/graph/append", graph);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Each node holds its own Drops, the links between nodes cut (put back at the master).
    const onNode = (await api.get(`/api/node/${api.nodes[0]}/sessions/s/graph`)).body;
    assert.deepEqual(Object.keys(onNode as object).sort(), ["A", "C"]);
    const merged = (await api.get("/api/sessions/s/graph")).body as Record<
      string,
      Record<string, unknown>
    >;
    assert.deepEqual(merged.A!.consumers, ["B"]);
    assert.deepEqual(merged.B!.outputs, ["C"]);
    const island = `http://${api.islands[0]}`;
    const bad = await fetch(`${island}/api/sessions/s/graph/placement`, {
      method: "POST",
      body: JSON.stringify({ nodes: { "127.0.0.1:1": ["X"] } }),
      headers: { "content-type": "application/json" },
    });
    assert.equal(bad.status, 400);
    assert.equal((await bad.json()).type, "InvalidGraphException");
    // A placement with an empty OID, or one that is not a list or a string, changes nothing.
    for (const nodes of [{ [api.nodes[0]!]: "Y\n\nZ" }, { [api.nodes[0]!]: [""] }, { x: 1 }]) {
      const again = await fetch(`${island}/api/sessions/s/graph/placement`, {
        method: "POST",
        body: JSON.stringify({ nodes }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(again.status, 400);
      const err = await again.json();
      assert.match(err.args[0], /a placed Drop has no oid|nodes\.x: Invalid type/);
    }
    const size = await (await fetch(`${island}/api/sessions/s/graph/size`)).json();
    assert.equal(size, 3);
    await api.post("/api/sessions/s/deploy", "completed=A", FORM);
    await waitFor(async () =>
      flat((await api.get("/api/sessions/s/status")).body).every((x) => x === 4)
    );
    // The island answers for Drops it never saw a spec of.
    const drop = await (await fetch(`${island}/api/sessions/s/graph/drop/B`)).json();
    assert.equal(drop.oid, "B", JSON.stringify(drop));
    assert.equal(drop.state, "COMPLETED");
  });
});

for (const tier of ["island", "master"] as const) {
  Deno.test(`${tier}: a batch one child refuses leaves nothing on any child (555, real error)`, async () => {
    await withTier(tier, async (api) => {
      await api.post("/api/sessions", { sessionId: "s" });
      const graph = api.place([
        mem("A", { consumers: ["B"] }),
        // Only the node can tell this path is outside its session directory.
        {
          oid: "B",
          categoryType: "Data",
          dropclass: "dlg.data.drops.file.FileDROP",
          filepath: "/etc/dlg-nope",
        },
      ]);
      const r = await api.post("/api/sessions/s/graph/append", graph);
      assert.equal(r.status, 555);
      const body = r.body as { type: string; args: Record<string, unknown> };
      assert.equal(body.type, "SubManagerException");
      const text = JSON.stringify(body.args);
      assert.ok(text.includes("InvalidGraphException"), text);
      assert.ok(text.includes("outside the session directory"), text);
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 0);
      assert.deepEqual((await api.get("/api/sessions/s/graph")).body, {});
      for (const n of api.nodes) {
        const st = await api.get(`/api/node/${n}/sessions`);
        assert.deepEqual(st.body, [{ sessionId: "s", status: 0, size: 0 }]);
      }
      // The session still takes a good batch and runs it.
      const ok = await api.post(
        "/api/sessions/s/graph/append",
        api.place([
          mem("A", { pydata: "x", consumers: ["B"] }),
          {
            oid: "B",
            categoryType: "Application",
            dropclass: "dlg.apps.simple.CopyApp",
            outputs: ["C"],
          },
          mem("C"),
        ]),
      );
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
      await api.post("/api/sessions/s/deploy", "completed=A", FORM);
      await waitFor(async () =>
        flat((await api.get("/api/sessions/s/status")).body).every((x) => x === 4)
      );
    });
  });
}

for (const tier of ["island", "master"] as const) {
  Deno.test(`${tier}: an unknown class is a 400 InvalidGraphException naming the Drop`, async () => {
    await withTier(tier, async (api) => {
      await api.post("/api/sessions", { sessionId: "s" });
      const r = await api.post(
        "/api/sessions/s/graph/append",
        api.place([mem("A"), {
          oid: "B",
          categoryType: "Application",
          dropclass: "dlg.apps.nope.Nope",
        }]),
      );
      assert.equal(r.status, 400);
      const body = r.body as { type: string; args: string[] };
      assert.equal(body.type, "InvalidGraphException");
      assert.match(body.args[0]!, /^Drop B: unknown application class dlg\.apps\.nope\.Nope/);
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 0);
    });
  });
}

Deno.test("island: children are listed, added once, removed, and unknown ones are 404", async () => {
  await withTier("island", async (api) => {
    const names = api.nodes.map((n) => `${n}:5555:6666`);
    assert.deepEqual((await api.get("/api")).body, { hosts: names, sessionIds: [] });
    assert.deepEqual((await api.get("/api/nodes")).body, names);
    assert.equal((await api.post(`/api/node/${api.nodes[0]}`)).status, 200);
    assert.deepEqual((await api.get("/api/nodes")).body, names, "adding twice is a no-op");
    const gone = await api.del("/api/node/nohost:1");
    assert.equal(gone.status, 404);
    assert.equal((await api.del(`/api/node/${api.nodes[1]}`)).status, 200);
    assert.deepEqual((await api.get("/api/nodes")).body, [names[0]]);
    assert.equal((await api.post(`/api/node/${api.nodes[1]}`)).status, 200);
    assert.deepEqual((await api.get("/api/nodes")).body, [names[0], names[1]]);
  });
});

for (const tier of ["island", "master"] as const) {
  Deno.test(`${tier}: /api/node/<node>/sessions/... passes reads through to that node`, async () => {
    await withTier(tier, async (api) => {
      await api.post("/api/sessions", { sessionId: "s" });
      await api.post("/api/sessions/s/graph/append", api.place([mem("A"), mem("B")]));
      const n0 = api.nodes[0];
      assert.deepEqual((await api.get(`/api/node/${n0}/sessions`)).body, [
        { sessionId: "s", status: 1, size: 1 },
      ]);
      assert.equal((await api.get(`/api/node/${n0}/sessions/s/status`)).body, 1);
      assert.deepEqual(
        Object.keys((await api.get(`/api/node/${n0}/sessions/s/graph`)).body as object),
        ["A"],
      );
      const s = (await api.get(`/api/node/${n0}/sessions/s`)).body as { status: number };
      assert.equal(s.status, 1);
      const drop = await api.get(`/api/node/${n0}/sessions/s/graph/drop/A`);
      assert.equal(drop.status, 404, "a Drop before deploy is not built: the node's 404");
      assert.deepEqual(drop.body, {
        type: "NoDropException",
        args: ["A", "Drop A is not created yet: session s is BUILDING"],
      });
      assert.equal((await api.get("/api/node/nohost:1/sessions")).status, 404);
      const gs = await api.get(`/api/node/${n0}/sessions/s/graph/status`);
      assert.equal(gs.status, 555, "not deployed: the node's error, wrapped");
      assert.equal((gs.body as { type: string }).type, "SubManagerException");
      // What the node has not got is 404, as the node says it.
      for (const path of ["", "/status", "/graph", "/graph/status"]) {
        const r = await api.get(`/api/node/${n0}/sessions/nosuch${path}`);
        assert.equal(r.status, 404, path);
        assert.deepEqual(r.body, { type: "NoSessionException", args: ["nosuch"] });
      }
      const none = await api.get(`/api/node/${n0}/sessions/nosuch/graph/drop/A`);
      assert.equal(none.status, 404);
      const bad = await api.get("/api/node/foo:bar/sessions");
      assert.equal(bad.status, 400, JSON.stringify(bad.body));
      assert.equal((await api.post("/api/node/foo:bar")).status, 400);
    });
  });
}

Deno.test("master: islands are listed, added once and removed; status maps are nested", async () => {
  await withTier("master", async (api) => {
    const island = `${api.islands[0]}:5555:6666`;
    assert.deepEqual((await api.get("/api/islands")).body, { islands: [island] });
    assert.equal((await api.post(`/api/island/${api.islands[0]}`)).status, 200);
    assert.deepEqual((await api.get("/api/islands")).body, { islands: [island] });
    assert.equal((await api.del("/api/island/nohost:1")).status, 404);
    const nodes = (await api.get("/api/nodes")).body as { nodes: string[] };
    assert.deepEqual(nodes.nodes.sort(), api.nodes.map((n) => `${n}:5555:6666`).sort());
    await api.post("/api/sessions", { sessionId: "s" });
    const st = (await api.get("/api/sessions/s/status")).body;
    assert.deepEqual(st, { [island]: Object.fromEntries(nodes.nodes.map((n) => [n, 0])) });
    assert.equal((await api.del(`/api/island/${api.islands[0]}`)).status, 200);
    assert.deepEqual((await api.get("/api/islands")).body, { islands: [] });
  });
});

Deno.test("a child that is down: create answers 555 naming it, and the manager keeps serving", async () => {
  await withTier("island", async (api) => {
    assert.equal((await api.post("/api/node/127.0.0.1:1")).status, 200);
    const r = await api.post("/api/sessions", { sessionId: "s" });
    assert.equal(r.status, 555);
    const args = (r.body as { args: Record<string, { type: string; args: string[] }> }).args;
    assert.deepEqual(Object.keys(args), ["127.0.0.1:1:5555:6666"]);
    assert.equal(args["127.0.0.1:1:5555:6666"]!.type, "RestClientException");
    assert.deepEqual((await api.get("/api/sessions")).body, []);
    for (const n of api.nodes) {
      assert.deepEqual((await api.get(`/api/node/${n}/sessions`)).body, [], "rolled back");
    }
    assert.equal((await api.del("/api/node/127.0.0.1:1")).status, 200);
    assert.equal((await api.post("/api/sessions", { sessionId: "s" })).status, 200);
  });
});

for (const tier of ["island", "master"] as const) {
  Deno.test(`${tier} deploy names a link to a Drop that never arrived and deploys nothing`, async () => {
    await withTier(tier, async (api) => {
      await api.post("/api/sessions", { sessionId: "s" });
      await api.post("/api/sessions/s/graph/append", api.place([mem("A", { consumers: ["B"] })]));
      const r = await api.post("/api/sessions/s/deploy", "completed=A", FORM);
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, {
        type: "InvalidGraphException",
        args: ["Drop A lists B in consumers, but no such Drop"],
      });
      assert.ok(flat((await api.get("/api/sessions/s/status")).body).every((x) => x <= 1));
      const fixed = await api.post(
        "/api/sessions/s/graph/append",
        api.place([
          mem("X"),
          { oid: "B", categoryType: "Application", dropclass: "dlg.apps.simple.CopyApp" },
        ]),
      );
      assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
      assert.deepEqual((await api.post("/api/sessions/s/deploy", "completed=A,X", FORM)).body, {
        Status: "Success",
      });
      await waitFor(async () =>
        flat((await api.get("/api/sessions/s/status")).body).every((x) => x === 4)
      );
    });
  });
}

Deno.test("an app failing on one node fails its outputs and consumers on another", async () => {
  await withTier("island", async (api) => {
    const [n0, n1] = api.nodes;
    await api.post("/api/sessions", { sessionId: "s" });
    const r = await api.post("/api/sessions/s/graph/append", [
      {
        oid: "bad",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: "exit 3",
        node: n0,
        outputs: ["D"],
      },
      mem("D", { node: n1, consumers: ["C"] }),
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        node: n1,
        outputs: ["E"],
      },
      mem("E", { node: n1 }),
    ]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await api.post("/api/sessions/s/deploy", "completed=bad", FORM);
    await waitFor(async () =>
      flat((await api.get("/api/sessions/s/status")).body).every((x) => x === 6)
    );
    const gs = (await api.get("/api/sessions/s/graph/status")).body;
    assert.deepEqual(gs, {
      bad: { status: 3, execStatus: 3 },
      D: { status: 3 },
      C: { status: 3, execStatus: 3 },
      E: { status: 3 },
    });
  });
});
