/**
 * The translator fixtures across a cluster: `*.cluster.json` through a master over 2 islands x
 * 2 nodes (`i1, i2, n1..n4` rewritten to the managers started). One test starts the cluster
 * and runs every runnable fixture at once (each in its own session); one step per fixture
 * asserts FINISHED and DALiuGE's per-Drop states.
 */
import assert from "node:assert/strict";
import { SessionStates } from "../../core/drops/states.ts";
import {
  assertDropStates,
  EXPECTED,
  HELLO_UNIVERSE,
  loadFixture,
  rewriteCluster,
  roots,
  skippedIn,
  type Spec,
  splitParts,
} from "./_fixtures.ts";
import { append, createSession, deploy, type Outcome, runGraph, waitEnded } from "./_run.ts";
import { withCluster } from "./_cluster.ts";

const RUNNABLE = [
  "branch",
  "loop_with_exit",
  "parallel_loop",
  "array_loop",
  "grpby_gather",
  "parallel_random_sleep",
  "hello_universe",
];

type Result = { ok: Outcome; graph: Spec[] } | { error: unknown };

/** The bytes of file Drop `oid` of session `sid` on the node at `hostPort`. */
async function nodeFile(hostPort: string, sid: string, oid: string): Promise<Uint8Array> {
  const r = await fetch(`http://${hostPort}/api/sessions/${sid}/graph/drop/data/${oid}`);
  const { filepath } = await r.json() as { filepath: string };
  return await Deno.readFile(filepath);
}

/** 400 from a node, or 555 SubManagerException carrying it: either way naming the Drop. */
function assertRejected(r: { status: number; body: unknown }, needle: string): void {
  assert.ok([400, 555].includes(r.status), `status ${r.status}: ${JSON.stringify(r.body)}`);
  const text = JSON.stringify(r.body);
  assert.ok(text.includes("InvalidGraphException"), text);
  assert.ok(text.includes(needle), `${needle} not in ${text}`);
}

Deno.test("translator *.cluster.json fixtures run on master -> 2 islands x 2 nodes", async (t) => {
  await withCluster(async (c) => {
    // Everything at once, each fixture in its own session; steps then check each result.
    const runs = new Map<string, Promise<Result>>();
    for (const name of RUNNABLE) {
      runs.set(
        name,
        loadFixture(name, "cluster").then(async (g) => {
          const graph = rewriteCluster(g, c.islands);
          const ok = await runGraph(c.call, name, graph, EXPECTED[name]!.seconds * 1000);
          return { ok, graph };
        }).catch((error) => ({ error })),
      );
    }
    for (const name of RUNNABLE) {
      await t.step(
        `${name}.cluster.json runs to FINISHED with DALiuGE's Drop states`,
        async () => {
          const r = await runs.get(name)!;
          if ("error" in r) throw r.error;
          assert.ok(r.ok.final.length >= 2, "status from every node");
          assert.ok(
            r.ok.final.every((s) => s === SessionStates.FINISHED),
            JSON.stringify(r.ok.final),
          );
          const skipped = EXPECTED[name]!.skipped(r.graph);
          assertDropStates(r.graph, r.ok.graphStatus, skipped);
          assert.deepEqual(skippedIn(r.ok.graphStatus), [...skipped].sort());
        },
      );
    }

    await t.step("hello_universe.cluster.json writes DALiuGE's greeting file", async () => {
      const r = await runs.get("hello_universe")!;
      if ("error" in r) throw r.error;
      const file = r.graph.find((d) => String(d.dropclass).endsWith("FileDROP"))!;
      const bytes = await nodeFile(String(file.node), "hello_universe", file.oid);
      assert.equal(new TextDecoder().decode(bytes), HELLO_UNIVERSE);
    });

    await t.step("pickle chained through Python apps on nodes of different islands", async () => {
      const [n1, n4] = [c.islands[0]!.nodes[0]!, c.islands[1]!.nodes[1]!];
      const at = (node: string, i: number) => ({ node, island: c.islands[i]!.island });
      const py = "dlg.apps.pyfunc.PyFuncApp";
      const graph: Spec[] = [
        {
          oid: "A",
          categoryType: "Application",
          dropclass: py,
          func_name: "ast.literal_eval",
          node_or_string: "[1, 5, 3]",
          outputs: [{ M: "out" }],
          ...at(n1, 0),
        },
        {
          oid: "M",
          categoryType: "Data",
          dropclass: "dlg.data.drops.memory.InMemoryDROP",
          producers: [{ A: "out" }],
          consumers: [{ B: "data" }],
          ...at(n1, 0),
        },
        {
          oid: "B",
          categoryType: "Application",
          dropclass: py,
          func_name: "statistics.median",
          inputs: [{ M: "data" }],
          outputs: [{ F: "out" }],
          ...at(n4, 1),
        },
        {
          oid: "F",
          categoryType: "Data",
          dropclass: "dlg.data.drops.file.FileDROP",
          filepath: "median.pkl",
          producers: [{ B: "out" }],
          ...at(n4, 1),
        },
      ];
      const out = await runGraph(c.call, "chain", graph, 30_000);
      assert.ok(out.final.every((s) => s === SessionStates.FINISHED), JSON.stringify(out.final));
      assert.deepEqual([...await nodeFile(n4, "chain", "F")], [0x80, 4, 0x4b, 3, 0x2e]);
    });

    await t.step(
      "gather_simple.cluster.json is rejected at append naming a BashShellApp",
      async () => {
        const graph = rewriteCluster(await loadFixture("gather_simple", "cluster"), c.islands);
        await createSession(c.call, "gather");
        const r = await append(c.call, "gather", graph);
        assertRejected(r, "BashShellApp has no command");
        assert.equal((await c.call("GET", "/api/sessions/gather/graph/size")).body, 0);
      },
    );

    await t.step(
      "hello_universe_large.cluster.json in parts: all accepted, then FINISHED",
      async () => {
        const graph = rewriteCluster(
          await loadFixture("hello_universe_large", "cluster"),
          c.islands,
        );
        const parts = splitParts(graph, 10 * 1024 * 1024 - 64 * 1024);
        await createSession(c.call, "large");
        for (const p of parts) {
          const r = await append(c.call, "large", p.text);
          assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 500));
        }
        assert.equal((await c.call("GET", "/api/sessions/large/graph/size")).body, 10_003);
        assert.equal((await deploy(c.call, "large", roots(graph))).status, 200);
        const final = await waitEnded(c.call, "large", 240_000);
        if (!final.every((s) => s === SessionStates.FINISHED)) {
          const nodes = c.islands.flatMap((i) => i.nodes);
          const why = await Promise.all(nodes.map(async (n) => {
            const s = await (await fetch(`http://${n}/api/sessions/large`)).json();
            const g = await (await fetch(`http://${n}/api/sessions/large/graph/status`)).json();
            const by: Record<string, number> = {};
            for (const d of Object.values(g) as { status: number }[]) {
              by[d.status] = (by[d.status] ?? 0) + 1;
            }
            return `${n}: status ${s.status} ${JSON.stringify(s.error)} ${JSON.stringify(by)}`;
          }));
          assert.fail(`${JSON.stringify(final)}\n${why.join("\n")}`);
        }
      },
    );
  });
});
