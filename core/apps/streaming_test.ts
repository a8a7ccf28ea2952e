import assert from "node:assert/strict";
import { NodeManager } from "../manager/mod.ts";
import { AppDrop, type DataDrop } from "../drops/mod.ts";

type Change = { oid: string; status: number; execStatus?: number };

const MOD = new URL("../../tests/fixtures/modules/sum.ts", import.meta.url).pathname;
const FIXTURES = MOD.slice(0, MOD.lastIndexOf("/"));
const dec = new TextDecoder();

async function withNode(fn: (nm: NodeManager) => Promise<void> | void) {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-stream-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0, maxThreads: 2, appRoots: [FIXTURES] });
  try {
    await fn(nm);
  } finally {
    nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}

async function finished(nm: NodeManager, sid: string): Promise<number> {
  const end = Date.now() + 15000;
  while (Date.now() < end) {
    const s = nm.sessionStatus(sid);
    if (s >= 4) return s;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`session ${sid} did not finish`);
}

const text = (nm: NodeManager, sid: string, oid: string) =>
  dec.decode((nm.get(sid).drop(oid) as DataDrop).store.bytes());

Deno.test("streaming consumers get each chunk as it is written, then the completion", async () => {
  await withNode(async (nm) => {
    nm.createSession("s");
    nm.append("s", [
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: MOD,
        function: "produce",
        count: 5,
        outputs: ["D"],
      },
      {
        oid: "D",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        streamingConsumers: ["S", "K"],
      },
      {
        oid: "S",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: MOD,
        function: "collect",
        outputs: ["E"],
      },
      { oid: "E", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
      {
        oid: "K",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: "cat > %o0",
        outputs: ["F"],
      },
      { oid: "F", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
    ]);
    const events: Change[] = [];
    const stop = nm.get("s").bus.watchDrops((d) =>
      events.push({
        oid: d.oid,
        status: d.status,
        execStatus: d instanceof AppDrop ? d.execStatus : undefined,
      })
    );
    try {
      nm.deploy("s", ["P"]);
      assert.equal(await finished(nm, "s"), 4);
    } finally {
      stop();
    }
    const all = "chunk0;chunk1;chunk2;chunk3;chunk4;";
    assert.equal(text(nm, "s", "E"), `5:${all}`);
    assert.equal(text(nm, "s", "F"), all);
    // Chunks of a memory Drop reach the worker as views of its SharedArrayBuffer.
    const logs = nm.get("s").drop("S").logs?.map((l) => l.message) ?? [];
    assert.ok(logs.includes("chunks in shared memory: true"), logs.join("\n"));
    // The streaming consumers ran while D was still being written.
    const at = (f: (e: Change) => boolean) => events.findIndex(f);
    const dDone = at((e) => e.oid === "D" && e.status === 2);
    for (const oid of ["S", "K"]) {
      const started = at((e) => e.oid === oid && e.execStatus === 1);
      assert.ok(
        started >= 0 && started < dDone,
        `${oid} started at ${started}, D done at ${dDone}`,
      );
    }
  });
});

Deno.test("deploy rejects streaming inputs on barrier apps", async () => {
  await withNode((nm) => {
    nm.createSession("b");
    nm.append("b", [
      {
        oid: "D",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        streamingConsumers: ["A"],
      },
      { oid: "A", categoryType: "Application", dropclass: "dlg.apps.simple.SleepApp" },
    ]);
    assert.throws(() => nm.deploy("b", ["D"]), (e: Error & { args?: string[] }) => {
      assert.match(e.args?.[0] ?? "", /Drop A cannot take streaming inputs/);
      return true;
    });
    assert.equal(nm.sessionStatus("b"), 1);
  });
});

Deno.test("a BashShellApp streaming consumer that stops reading early does not hold anything", async () => {
  await withNode(async (nm) => {
    nm.createSession("e");
    nm.append("e", [
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: MOD,
        function: "produce",
        count: 20,
        outputs: ["D"],
      },
      {
        oid: "D",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        streamingConsumers: ["K"],
      },
      {
        oid: "K",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: "head -c 3 > %o0",
        outputs: ["F"],
      },
      { oid: "F", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
    ]);
    nm.deploy("e", ["P"]);
    assert.equal(await finished(nm, "e"), 4);
    assert.equal(text(nm, "e", "F"), "chu");
    // P keeps writing after K is done; its chunks are dropped, and D still completes.
    const d = nm.get("e").drop("D");
    const end = Date.now() + 10000;
    while (d.status !== 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
    assert.equal(d.status, 2);
    assert.equal(nm.get("e").drop("P").status, 2);
  });
});
