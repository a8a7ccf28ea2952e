import assert from "node:assert/strict";
import { NodeManager } from "../manager/mod.ts";
import type { DataDrop } from "../drops/mod.ts";
import { MemoryStore } from "../drops/store.ts";
import { waitFor } from "../testing/mod.ts";
import { withNode as withTestNode } from "./_test_node.ts";

const MOD = new URL("../../tests/fixtures/modules/sum.ts", import.meta.url).pathname;
const FIXTURES = MOD.slice(0, MOD.lastIndexOf("/"));

const graph = [
  {
    oid: "A",
    categoryType: "Data",
    dropclass: "dlg.data.drops.memory.InMemoryDROP",
    pydata: "1 2",
    consumers: ["B"],
  },
  {
    oid: "K",
    categoryType: "Data",
    dropclass: "dlg.data.drops.memory.InMemoryDROP",
    pydata: "3",
    persist: true,
    consumers: ["B"],
  },
  {
    oid: "B",
    categoryType: "Application",
    dropclass: "dlg.apps.js.ModuleApp",
    module: MOD,
    function: "sum",
    outputs: ["C"],
  },
  { oid: "C", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
];

/** A node with these DLM periods that finds the fixture modules. */
function withNode(
  periods: { dlmCheckPeriod: number; dlmCleanupPeriod: number },
  fn: (nm: NodeManager) => Promise<void>,
) {
  return withTestNode(fn, { appRoots: [FIXTURES], ...periods });
}

Deno.test("memory Drops expire after their consumers finish, then are deleted; persist keeps", async () => {
  await withNode({ dlmCheckPeriod: 0.05, dlmCleanupPeriod: 0.1 }, async (nm) => {
    nm.createSession("s");
    nm.append("s", graph);
    nm.deploy("s", ["A", "K"]);
    const s = nm.get("s");
    await waitFor(() => s.status === 4);
    const a = s.drop("A") as DataDrop;
    await waitFor(() => a.status === 4);
    assert.equal((a.store as MemoryStore).buffer, null); // memory released
    await waitFor(() => a.status === 5 && s.drop("C").status === 5);
    const k = s.drop("K") as DataDrop;
    assert.equal(k.status, 2);
    assert.equal(new TextDecoder().decode(k.store.bytes()), "3");
  });
});

Deno.test("a just-finished graph still shows COMPLETED (DLM periods not yet passed)", async () => {
  await withNode({ dlmCheckPeriod: 10, dlmCleanupPeriod: 30 }, async (nm) => {
    nm.createSession("s");
    nm.append("s", graph);
    nm.deploy("s", ["A", "K"]);
    await waitFor(() => nm.sessionStatus("s") === 4);
    assert.deepEqual(nm.graphStatus("s"), {
      A: { status: 2 },
      K: { status: 2 },
      B: { status: 2, execStatus: 2 },
      C: { status: 2 },
    });
  });
});

Deno.test("a memory Drop still being read by a slow consumer expires once it finishes", async () => {
  await withNode({ dlmCheckPeriod: 0.02, dlmCleanupPeriod: 0.02 }, async (nm) => {
    nm.createSession("slow");
    nm.append("slow", [
      {
        oid: "A",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        pydata: "1",
        consumers: ["B"],
      },
      {
        oid: "B",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: MOD,
        function: "spin",
        ms: 300,
      },
    ]);
    nm.deploy("slow", ["A"]);
    const s = nm.get("slow");
    await waitFor(() => s.status === 4);
    await waitFor(() => s.drop("A").status === 5);
  });
});
