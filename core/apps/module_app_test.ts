import assert from "node:assert/strict";
import { NodeManager, type NodeManagerOptions } from "../manager/mod.ts";
import { createApp, nodeRoutes } from "../rest/mod.ts";
import { DataDrop } from "../drops/mod.ts";
import { MemoryStore } from "../drops/store.ts";
import { waitFor } from "../testing/mod.ts";

const FIXTURES = new URL("../../tests/fixtures/modules/", import.meta.url).pathname;
const MOD = `${FIXTURES}sum.ts`;
const MEM = "dlg.data.drops.memory.InMemoryDROP";
const MODAPP = "dlg.apps.js.ModuleApp";
const dec = new TextDecoder();

type Req = (path: string, init?: { method?: string; json?: unknown; form?: string }) => Promise<
  { status: number; body: unknown }
>;

async function withNode(
  fn: (req: Req, nm: NodeManager, workDir: string) => Promise<void>,
  opts: Partial<NodeManagerOptions> = {},
) {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-modapp-" });
  const nm = new NodeManager({
    workDir,
    dlmCheckPeriod: 0,
    maxThreads: 2,
    appRoots: [FIXTURES],
    ...opts,
  });
  const app = createApp(nm).route("/", nodeRoutes(nm));
  const req: Req = async (path, init = {}) => {
    const headers: Record<string, string> = {};
    let body: string | undefined;
    if (init.json !== undefined) {
      headers["content-type"] = "application/json";
      body = JSON.stringify(init.json);
    } else if (init.form !== undefined) {
      headers["content-type"] = "application/x-www-form-urlencoded";
      body = init.form;
    }
    const r = await app.request(path, { method: init.method ?? "GET", headers, body });
    return { status: r.status, body: await r.json() };
  };
  try {
    await fn(req, nm, workDir);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}

/** Create session `sid`, append `graph`, deploy with `completed` and wait for it to end. */
async function runGraph(req: Req, sid: string, graph: unknown[], completed: string[]) {
  assert.equal(
    (await req("/api/sessions", { method: "POST", json: { sessionId: sid } })).status,
    200,
  );
  const a = await req(`/api/sessions/${sid}/graph/append`, { method: "POST", json: graph });
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const d = await req(`/api/sessions/${sid}/deploy`, {
    method: "POST",
    form: `completed=${completed.join(",")}`,
  });
  assert.equal(d.status, 200, JSON.stringify(d.body));
  return await waitFor(async () => (await req(`/api/sessions/${sid}/status`)).body as number, {
    until: (s) => s >= 4,
    timeout: 15000,
    what: `session ${sid} ended`,
  });
}

function text(nm: NodeManager, sid: string, oid: string): string {
  return dec.decode((nm.get(sid).drop(oid) as DataDrop).store.bytes());
}

const app = (oid: string, fn: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Application",
  dropclass: MODAPP,
  module: MOD,
  function: fn,
  ...extra,
});
const mem = (oid: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: MEM,
  ...extra,
});

Deno.test("ModuleApp sums numbers from a memory Drop in a worker", async () => {
  await withNode(async (req, nm) => {
    const status = await runGraph(req, "s1", [
      mem("A", { pydata: "1 2 3 4.5", consumers: ["B"] }),
      app("B", "sum", { outputs: ["C"], applicationArgs: { scale: { value: 2 } }, scale: 100 }),
      mem("C"),
      {},
    ], ["A"]);
    assert.equal(status, 4);
    assert.equal(text(nm, "s1", "C"), "21");
    const st = (await req("/api/sessions/s1/graph/status")).body;
    assert.deepEqual(st, { A: { status: 2 }, B: { status: 2, execStatus: 2 }, C: { status: 2 } });
    assert.equal(nm.workers.workers, 1);
  });
});

Deno.test("ModuleApp inputs and outputs are the Drops' shared buffers, not copies", async () => {
  await withNode(async (req, nm) => {
    await runGraph(req, "z", [
      app("P", "fill", { size: 8, outputs: ["D"] }),
      mem("D", { consumers: ["Q"], persist: true }),
      app("Q", "touch", { outputs: ["E"] }),
      mem("E"),
    ], ["P"]);
    const d = nm.get("z").drop("D") as DataDrop;
    const store = d.store as MemoryStore;
    // P filled D in place; Q summed it through its own view and wrote 99 through that view.
    assert.equal(text(nm, "z", "E"), String(1 + 2 + 3 + 4 + 5 + 6 + 7 + 8));
    assert.deepEqual([...store.bytes()], [99, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(store.buffer instanceof SharedArrayBuffer);
  });
});

Deno.test("ModuleApp gets top-level and applicationArgs parameters (default export)", async () => {
  await withNode(async (req, nm) => {
    await runGraph(
      req,
      "p",
      [
        {
          ...app("A", "", { outputs: ["B"], greeting: "hi", applicationArgs: { n: { value: 3 } } }),
        },
        mem("B"),
      ].map((s) => {
        delete (s as Record<string, unknown>).function;
        return s;
      }),
      ["A"],
    );
    const params = JSON.parse(text(nm, "p", "B"));
    assert.equal(params.greeting, "hi");
    assert.equal(params.n, 3);
    assert.match(params.module, /^file:.*sum\.ts$/);
  });
});

Deno.test("ModuleApp failure shows the message and stack in drop info", async () => {
  await withNode(async (req) => {
    const status = await runGraph(req, "f", [
      app("A", "fail", { what: "sums", outputs: ["B"] }),
      mem("B"),
    ], ["A"]);
    assert.equal(status, 6);
    const info = (await req("/api/sessions/f/graph/drop/A")).body as {
      error: string;
      execStatus: number;
      logs: { Level: string; Message: string }[];
    };
    assert.equal(info.execStatus, 3);
    assert.equal(info.error, "no luck with sums");
    const messages = info.logs.map((l) => l.Message).join("\n");
    assert.match(messages, /about to fail/);
    assert.match(messages, /Error: no luck with sums\n\s+at fail \(file:.*sum\.ts:\d+:\d+\)/);
    const b = (await req("/api/sessions/f/graph/drop/B")).body as { dropStatus: number };
    assert.equal(b.dropStatus, 3);
  });
});

Deno.test("ModuleApp worker crash fails the Drop and the pool serves the next app", async () => {
  await withNode(async (req, nm) => {
    const status = await runGraph(req, "c", [
      app("X", "crash", { outputs: ["Y"] }),
      mem("Y"),
    ], ["X"]);
    assert.equal(status, 6);
    const info = (await req("/api/sessions/c/graph/drop/X")).body as { error: string };
    assert.match(info.error, /worker crashed: uncaught Error: boom from a timer/);
    const ok = await runGraph(req, "c2", [
      mem("A", { pydata: "5 6", consumers: ["B"] }),
      app("B", "sum", { outputs: ["C"] }),
      mem("C"),
    ], ["A"]);
    assert.equal(ok, 4);
    assert.equal(text(nm, "c2", "C"), "11");
    assert.equal(nm.workers.workers, 1);
  }, { maxThreads: 1 });
});

Deno.test("ModuleApp writes past an exact (expectedSize) output are rejected", async () => {
  await withNode(async (req, nm) => {
    await runGraph(req, "x", [
      app("A", "overfill", { size: 4, outputs: ["B"] }),
      mem("B", { expectedSize: 4 }),
    ], ["A"]);
    // B completed on reaching its expectedSize (so the session may finish first); A then fails.
    type Info = { error: string; execStatus: number };
    const info = await waitFor(
      async () => (await req("/api/sessions/x/graph/drop/A")).body as Info,
      { until: (i) => i.execStatus >= 2, timeout: 5000 },
    );
    assert.equal(info.execStatus, 3);
    assert.match(info.error, /output B is complete: it holds exactly 4 bytes/);
    const b = nm.get("x").drop("B") as DataDrop;
    assert.equal(b.status, 2);
    assert.equal(b.store.size, 4);
  });
});

Deno.test("ModuleApp cancel terminates the app's worker", async () => {
  await withNode(async (req, nm) => {
    await req("/api/sessions", { method: "POST", json: { sessionId: "k" } });
    await req("/api/sessions/k/graph/append", {
      method: "POST",
      json: [app("A", "spin", { ms: 30000, outputs: ["B"] }), mem("B")],
    });
    await req("/api/sessions/k/deploy", { method: "POST", form: "completed=A" });
    await waitFor(() => nm.workers.busy > 0, { timeout: 5000, what: "a busy worker" });
    assert.equal(nm.workers.busy, 1);
    assert.equal((await req("/api/sessions/k/cancel", { method: "POST" })).status, 200);
    const st = (await req("/api/sessions/k/graph/status")).body as Record<string, unknown>;
    assert.deepEqual(st.A, { status: 6, execStatus: 4 });
    assert.equal(nm.workers.busy, 0);
    assert.equal(
      await runGraph(req, "k2", [
        mem("A", { pydata: "1", consumers: ["B"] }),
        app("B", "sum", { outputs: ["C"] }),
        mem("C"),
      ], ["A"]),
      4,
    );
  }, { maxThreads: 1 });
});

Deno.test("graph/append rejects module paths outside the work dir and app roots", async () => {
  await withNode(async (req, _nm, workDir) => {
    await req("/api/sessions", { method: "POST", json: { sessionId: "r" } });
    const outside = await Deno.makeTempFile({ suffix: ".ts" });
    try {
      for (
        const [module, why] of [
          [outside, /Drop A: module .* is outside the work dir and every --app-root/],
          ["../../etc/passwd", /Drop A: module \.\.\/\.\.\/etc\/passwd is (not a file|outside)/],
          ["missing.ts", /Drop A: module missing\.ts is not a file/],
        ] as const
      ) {
        const r = await req("/api/sessions/r/graph/append", {
          method: "POST",
          json: [app("A", "sum", { module }), mem("OK")],
        });
        assert.equal(r.status, 400);
        const body = r.body as { type: string; args: string[] };
        assert.equal(body.type, "InvalidGraphException");
        assert.match(body.args[0]!, why);
      }
      const size = (await req("/api/sessions/r/graph/size")).body;
      assert.equal(size, 0);
      // A relative path under the work dir is fine.
      await Deno.mkdir(`${workDir}/mods`);
      await Deno.copyFile(MOD, `${workDir}/mods/sum.ts`);
      const ok = await req("/api/sessions/r/graph/append", {
        method: "POST",
        json: [app("A", "sum", { module: "mods/sum.ts" })],
      });
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    } finally {
      await Deno.remove(outside);
    }
  }, { appRoots: [] });
});

Deno.test("graph/append rejects PyMemberApp, naming the alternatives", async () => {
  await withNode(async (req) => {
    await req("/api/sessions", { method: "POST", json: { sessionId: "py" } });
    const r = await req("/api/sessions/py/graph/append", {
      method: "POST",
      json: [{
        oid: "F",
        categoryType: "Application",
        dropclass: "dlg.apps.pyfunc.PyMemberApp",
        func_name: "dlg.apps.simple_functions.string2json",
      }],
    });
    assert.equal(r.status, 400);
    const body = r.body as { type: string; args: string[] };
    assert.equal(body.type, "InvalidGraphException");
    assert.match(body.args[0]!, /Drop F: Python methods .* are not supported/);
    assert.match(body.args[0]!, /dlg\.apps\.js\.ModuleApp/);
  });
});

Deno.test("ModuleApp without a module or with a bad function name is rejected at append", async () => {
  await withNode(async (req) => {
    await req("/api/sessions", { method: "POST", json: { sessionId: "m" } });
    for (
      const [spec, why] of [
        [{ oid: "A", categoryType: "Application", dropclass: MODAPP }, /needs a module parameter/],
        [app("A", "not-a-name"), /function "not-a-name" is not an export name/],
      ] as const
    ) {
      const r = await req("/api/sessions/m/graph/append", { method: "POST", json: [spec] });
      assert.equal(r.status, 400);
      assert.match((r.body as { args: string[] }).args[0]!, why);
    }
  });
});

Deno.test("ModuleApp reads file Drops and writes file outputs through the main thread", async () => {
  await withNode(async (req, _nm, workDir) => {
    await req("/api/sessions", { method: "POST", json: { sessionId: "fs" } });
    await Deno.writeTextFile(`${workDir}/fs/in.txt`, "7 8 9");
    const FILE = "dlg.data.drops.file.FileDROP";
    const r = await req("/api/sessions/fs/graph/append", {
      method: "POST",
      json: [
        { oid: "I", categoryType: "Data", dropclass: FILE, filepath: "in.txt", consumers: ["S"] },
        app("S", "sum", { outputs: ["O"] }),
        { oid: "O", categoryType: "Data", dropclass: FILE, filepath: "out.txt" },
      ],
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await req("/api/sessions/fs/deploy", { method: "POST", form: "completed=I" });
    await waitFor(async () => (await req("/api/sessions/fs/status")).body === 4);
    assert.equal(await Deno.readTextFile(`${workDir}/fs/out.txt`), "24");
  });
});
