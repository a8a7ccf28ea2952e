import assert from "node:assert/strict";
import { waitFor } from "../core/testing/mod.ts";
import { startNode } from "./_util/procs.ts";

const FIXTURES = new URL("./fixtures/modules/", import.meta.url).pathname;

Deno.test("dlg-node --app-root runs a module app in its worker pool", async () => {
  const node = await startNode(["--app-root", FIXTURES, "-t", "1", "--dlm-check-period", "0"]);
  try {
    const post = (path: string, body: string, type = "application/json") =>
      fetch(`${node.url}${path}`, { method: "POST", headers: { "content-type": type }, body });
    await (await post("/api/sessions", JSON.stringify({ sessionId: "s" }))).body?.cancel();
    const graph = [
      {
        oid: "A",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        pydata: "40 2",
        consumers: ["B"],
      },
      {
        oid: "B",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        applicationArgs: { module: { value: `${FIXTURES}sum.ts` }, function: { value: "sum" } },
        outputs: ["C"],
      },
      { oid: "C", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
      {
        oid: "F",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: `${FIXTURES}sum.ts`,
        function: "fail",
      },
    ];
    const a = await post("/api/sessions/s/graph/append", JSON.stringify(graph));
    assert.equal(a.status, 200, await a.text());
    const d = await post(
      "/api/sessions/s/deploy",
      "completed=A,F",
      "application/x-www-form-urlencoded",
    );
    assert.equal(d.status, 200, await d.text());
    const status = await waitFor(async () => {
      const s = await (await fetch(`${node.url}/api/sessions/s/status`)).json();
      return s >= 4 ? s : 0;
    });
    assert.equal(status, 6); // F failed
    const gs = await (await fetch(`${node.url}/api/sessions/s/graph/status`)).json();
    assert.deepEqual(gs.B, { status: 2, execStatus: 2 });
    assert.deepEqual(gs.F, { status: 3, execStatus: 3 });
    const info = await (await fetch(`${node.url}/api/sessions/s/graph/drop/F`)).json();
    assert.equal(info.error, "no luck with this");
  } finally {
    await node.stop();
  }
});
