/**
 * The whole hierarchy in real processes: master -> 2 islands -> 2 nodes each, a graph with
 * cross-node and cross-island edges, a node killed mid-session, cancel at the master.
 */
import assert from "node:assert/strict";
import { MasterManagerClient } from "../core/client/mod.ts";
import { DlgClientError } from "../core/client/mod.ts";
import { type Cluster, FAST_HEALTH, placeOn, shapeOf, startCluster } from "./_util/cluster.ts";
import { graphRoots } from "../core/graph/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { flat } from "./_util/tiers.ts";

const mem = "dlg.data.drops.memory.InMemoryDROP";
const file = "dlg.data.drops.file.FileDROP";
const bash = "dlg.apps.bash_shell_app.BashShellApp";

async function withCluster(fn: (c: Cluster, m: MasterManagerClient) => Promise<void>) {
  const c = await startCluster([2, 2], [], { health: FAST_HEALTH });
  try {
    await fn(c, new MasterManagerClient(c.master.url, { timeoutMs: 15_000 }));
  } finally {
    await c.stop();
  }
}

Deno.test("master -> 2 islands -> 2 nodes runs a graph crossing nodes and islands", async () => {
  await withCluster(async (c, m) => {
    const [i1, i2] = c.islands.map((p) => p.hostPort);
    const [n1, n2] = c.nodes[0]!.map((p) => p.hostPort);
    const [n3, n4] = c.nodes[1]!.map((p) => p.hostPort);
    const payload = "0123456789abcdef".repeat(64 * 1024); // 1 MiB: streamed, not inline
    const graph = [
      // A memory Drop on n1 read by an app on n2 (same island) and one on n3 (other island).
      { oid: "A", categoryType: "Data", dropclass: mem, pydata: payload, node: n1, island: i1 },
      {
        oid: "copy2",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        node: n2,
        island: i1,
        inputs: ["A"],
        outputs: ["B"],
      },
      { oid: "B", categoryType: "Data", dropclass: mem, node: n2, island: i1 },
      // A BashShellApp chain over FileDROPs: n3 reads A, writes a file on n4; n4 counts it.
      {
        oid: "upper",
        categoryType: "Application",
        dropclass: bash,
        command: "tr a-f A-F < %i0 > %o0",
        node: n3,
        island: i2,
        inputs: ["A"],
        outputs: ["F1"],
      },
      { oid: "F1", categoryType: "Data", dropclass: file, node: n4, island: i2 },
      {
        oid: "count",
        categoryType: "Application",
        dropclass: bash,
        command: "wc -c < %i0 | tr -d ' ' > %o0; head -c 16 %i0 >> %o0",
        node: n4,
        island: i2,
        inputs: ["F1"],
        outputs: ["F2"],
      },
      {
        oid: "F2",
        categoryType: "Data",
        dropclass: file,
        node: n1,
        island: i1,
        filepath: "out.txt",
      },
      // B (n2) and F2 (n1) gathered on n4: a cross-island edge back.
      {
        oid: "gather",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.GenericGatherApp",
        node: n4,
        island: i2,
        inputs: ["F2", "B"],
        outputs: ["G"],
      },
      { oid: "G", categoryType: "Data", dropclass: file, node: n4, island: i2, filepath: "g.bin" },
      {},
    ];
    await m.createSession("s");
    await m.appendGraph("s", graph, { gzip: true });
    assert.equal(await m.graphSize("s"), 9);
    const merged = await m.graph("s");
    assert.deepEqual(Object.keys(merged).sort(), [
      "A",
      "B",
      "F1",
      "F2",
      "G",
      "copy2",
      "count",
      "gather",
      "upper",
    ]);
    assert.deepEqual((merged.upper as { inputs: string[] }).inputs, ["A"], "links put back");
    // The island's own view has the links between its nodes too (A on n1, copy2 on n2).
    const r = await fetch(`${c.islands[0]!.url}/api/sessions/s/graph`);
    const own = await r.json() as Record<string, { inputs?: string[] }>;
    assert.deepEqual(Object.keys(own).sort(), ["A", "B", "F2", "copy2"]);
    assert.deepEqual(own.copy2!.inputs, ["A"]);
    await m.deploySession("s", ["A"]);
    await waitFor(async () => flat(await m.sessionStatus("s")).every((x) => x === 4), {
      timeout: 30_000,
      interval: 100,
    });
    const st = await m.graphStatus("s");
    for (const [oid, s] of Object.entries(st)) {
      assert.equal(s.status, 2, `${oid}: ${JSON.stringify(s)}`);
    }
    const status = await m.sessionStatus("s") as Record<string, Record<string, number>>;
    assert.deepEqual(
      Object.keys(status).sort(),
      c.islands.map((p) => `${p.hostPort}:5555:6666`).sort(),
    );
    // Bytes: F2 on n1 = size of A and its first 16 bytes upper-cased; G = F2 + B (= A).
    const f2 = await m.request<{ filepath: string }>("GET", "/api/sessions/s/graph/drop/data/F2");
    const expectF2 = `${payload.length}\n0123456789ABCDEF`;
    assert.equal(await Deno.readTextFile(f2.filepath), expectF2);
    assert.ok(f2.filepath.startsWith(c.nodes[0]![0]!.workDir));
    const g = await m.request<{ filepath: string }>("GET", "/api/sessions/s/graph/drop/data/G");
    assert.ok(g.filepath.startsWith(c.nodes[1]![1]!.workDir));
    assert.equal(await Deno.readTextFile(g.filepath), expectF2 + payload);
  });
});

const sleepChain = (nodes: string[], islands: string[], t: number) =>
  nodes.flatMap((n, i) => [
    {
      oid: `S${i}`,
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: t,
      node: n,
      island: islands[i],
      outputs: [`D${i}`],
    },
    { oid: `D${i}`, categoryType: "Data", dropclass: mem, node: n, island: islands[i] },
  ]);

/** Session `sid` at the master: a 60 s SleepApp on every node, deployed and running. */
async function sleepEverywhere(c: Cluster, m: MasterManagerClient, sid: string) {
  const nodes = c.nodes.flat().map((p) => p.hostPort);
  const islands = [0, 0, 1, 1].map((i) => c.islands[i]!.hostPort);
  await m.createSession(sid);
  await m.appendGraph(sid, sleepChain(nodes, islands, 60));
  await m.deploySession(sid, nodes.map((_, i) => `S${i}`));
  return { nodes, islands };
}

/** Wait until the master's status of `sid` shows 6 (FAILED) at `path`; it must within 10 s. */
async function failsWithin10s(m: MasterManagerClient, sid: string, path: string[]) {
  const t0 = Date.now();
  await waitFor(
    async () => {
      let st: unknown = await m.sessionStatus(sid);
      for (const key of path) st = (st as Record<string, unknown> | undefined)?.[key];
      return st === 6;
    },
    { timeout: 10_000, interval: 100 },
  );
  assert.ok(Date.now() - t0 < 10_000);
}

Deno.test("cancel at the master reaches every Drop on every node within 2 s", async () => {
  await withCluster(async (c, m) => {
    await sleepEverywhere(c, m, "c");
    await waitFor(async () => flat(await m.sessionStatus("c")).every((x) => x === 3), {
      timeout: 10_000,
    });
    const t0 = Date.now();
    await m.cancelSession("c");
    await waitFor(
      async () => {
        const st = await m.graphStatus("c");
        return Object.values(st).every((d) => d.status === 6);
      },
      { timeout: 2_000, interval: 20 },
    );
    assert.ok(Date.now() - t0 < 2_000);
    assert.ok(flat(await m.sessionStatus("c")).every((x) => x === 5));
  });
});

Deno.test("a node SIGKILLed mid-session is reported FAILED and named; other sessions run on", async () => {
  await withCluster(async (c, m) => {
    const { nodes, islands } = await sleepEverywhere(c, m, "k");
    await m.createSession("other");
    const victim = c.nodes[1]![1]!;
    await victim.stop("SIGKILL");
    const victimName = `${victim.hostPort}:5555:6666`;
    const island2 = `${c.islands[1]!.hostPort}:5555:6666`;
    await failsWithin10s(m, "k", [island2, victimName]);
    // Calls touching it: 555 naming it, with the child's real error inside.
    const err = await m.graphStatus("k").then(() => null, (e) => e as DlgClientError);
    assert.ok(err instanceof DlgClientError);
    assert.equal(err.status, 555);
    assert.equal(err.type, "SubManagerException");
    assert.ok(JSON.stringify(err.args).includes(victim.hostPort), JSON.stringify(err.args));
    const details = await m.session("k") as { error?: string };
    assert.ok(details.error?.includes(victim.hostPort), details.error);
    // The manager keeps serving: a session created before the kill with no Drop on the dead
    // node runs to the end, and so does a new one (the dead node is left out of it).
    const alive = sleepChain(nodes.slice(0, 3), islands.slice(0, 3), 0.05);
    for (const sid of ["other", "new"]) {
      if (sid === "new") {
        await waitFor(async () => {
          const list = await m.request<unknown[]>("GET", `/api/node/${nodes[0]}/sessions`);
          return list.length === 2;
        });
        await new Promise((r) => setTimeout(r, 1500)); // one health check at the island
        await m.createSession(sid);
      }
      await m.appendGraph(sid, alive);
      await m.deploySession(sid, ["S0", "S1", "S2"]);
      await waitFor(() => m.sessionStatus(sid) as Promise<Record<string, Record<string, number>>>, {
        // Nothing of it on the dead node: not FAILED there either (DESIGN §9).
        until: (st) => flat(st).every((x) => x === 4),
        timeout: 10_000,
        interval: 50,
        what: `session ${sid} FINISHED, ${victimName} included`,
      });
    }
  });
});

Deno.test("an island SIGKILLed mid-session shows FAILED at the master, which keeps serving", async () => {
  await withCluster(async (c, m) => {
    await sleepEverywhere(c, m, "k");
    const victim = c.islands[1]!;
    const name = `${victim.hostPort}:5555:6666`;
    await victim.stop("SIGKILL");
    await failsWithin10s(m, "k", [name]);
    const err = await m.graphStatus("k").then(() => null, (e) => e as DlgClientError);
    assert.equal(err?.status, 555);
    assert.deepEqual(Object.keys(err!.args as object), [name]);
    assert.ok(((await m.session("k")) as { error?: string }).error?.includes(name));
    // Cancel still reaches the Drops on the island that is alive.
    await m.cancelSession("k");
    const i1 = new MasterManagerClient(c.islands[0]!.url);
    await waitFor(async () => flat(await i1.sessionStatus("k")).every((x) => x === 5), {
      timeout: 2_000,
    });
  });
});

Deno.test("a node that hangs (SIGSTOP) is reported FAILED within 10 s", async () => {
  await withCluster(async (c, m) => {
    await sleepEverywhere(c, m, "h");
    const victim = c.nodes[0]![0]!;
    const name = `${victim.hostPort}:5555:6666`;
    const island1 = `${c.islands[0]!.hostPort}:5555:6666`;
    Deno.kill(victim.child.pid, "SIGSTOP");
    try {
      await failsWithin10s(m, "h", [island1, name]);
      const err = await m.graphStatus("h").then(() => null, (e) => e as DlgClientError);
      assert.equal(err?.status, 555);
      assert.ok(JSON.stringify(err?.args).includes(name));
    } finally {
      Deno.kill(victim.child.pid, "SIGCONT");
    }
  });
});

Deno.test("the translator's parallel_loop cluster graph runs on master -> 2 islands -> 4 nodes", async () => {
  const raw = JSON.parse(
    await Deno.readTextFile(
      new URL("./fixtures/translator/parallel_loop.cluster.json", import.meta.url),
    ),
  ) as Record<string, unknown>[];
  const { islands, pairs } = shapeOf(raw);
  const c = await startCluster(
    islands.map((i) => pairs.filter((p) => p.startsWith(`${i}|`)).length),
  );
  try {
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 15_000 });
    const graph = placeOn(raw, c);
    await m.createSession("pl");
    await m.appendGraph("pl", graph, { gzip: true });
    assert.equal(await m.graphSize("pl"), 56);
    await m.deploySession("pl", graphRoots(graph));
    await waitFor(async () => flat(await m.sessionStatus("pl")).every((x) => x === 4), {
      timeout: 30_000,
      interval: 100,
    });
    const st = Object.values(await m.graphStatus("pl"));
    assert.equal(st.length, 56);
    assert.ok(st.every((d) => d.status === 2 && (d.execStatus ?? 2) === 2), JSON.stringify(st));
  } finally {
    await c.stop();
  }
});
