/**
 * Automatic placement through master -> 2 islands -> 2 nodes each, every tier joined by
 * `--register` (no `-N` anywhere): translator fixtures with `node`/`island` removed (grouped
 * along links) and with only the translator's partitions (`#N`, as DALiuGE writes a graph to be
 * mapped later) run to FINISHED with DALiuGE's Drop states; pinned Drops stay; appends in parts
 * keep partitions together; a node that left is not used.
 */
import assert from "node:assert/strict";
import type { Proc } from "./_util/procs.ts";
import {
  call,
  childrenAre,
  joinNode,
  run,
  startIsland,
  startMaster,
  states,
} from "./_util/joined.ts";
import {
  assertDropStates,
  dropsOf,
  EXPECTED,
  type GraphStatus,
  loadFixture,
  roots,
  skippedIn,
  type Spec,
} from "./translator/_fixtures.ts";

const FIXTURES = ["array_loop", "parallel_loop", "loop_with_exit", "grpby_gather"];

/** Node/island removed entirely. */
function unplaced(g: Spec[]): Spec[] {
  return g.map((d) => {
    if (!d.oid) return d;
    const { node: _n, island: _i, ...rest } = d;
    return rest as Spec;
  });
}

/** Only the partitions: `n1..n4` -> `#0..#3`, `i1, i2` -> `#0, #1` (DALiuGE's template form). */
function partitionOnly(g: Spec[]): Spec[] {
  const num = (s: unknown) => `#${Number(String(s).slice(1)) - 1}`;
  return g.map((d) => d.oid ? { ...d, node: num(d.node), island: num(d.island) } : d);
}

/** Start the cluster by registration; `fn`; stop everything. */
async function withJoined(
  fn: (c: { master: Proc; islands: Proc[]; nodes: Proc[][] }) => Promise<void>,
) {
  const started: Proc[] = [];
  try {
    const master = await startMaster();
    started.push(master);
    const islands = await Promise.all([0, 1].map(() => startIsland(["--register", master.url])));
    started.push(...islands);
    const nodes = await Promise.all(islands.map((i) => Promise.all([joinNode(i), joinNode(i)])));
    started.push(...nodes.flat());
    await childrenAre(master.url, islands.map((i) => i.hostPort), true);
    for (const [k, i] of islands.entries()) {
      await childrenAre(
        i.url,
        nodes[k]!.map((n) => n.hostPort),
      );
    }
    await fn({ master, islands, nodes });
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
}

async function graphOf(base: string, sid: string): Promise<Record<string, Spec>> {
  const r = await call(base, "GET", `/api/sessions/${sid}/graph`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body as Record<string, Spec>;
}

/** Weight per node of a placed graph. */
function loads(graph: Record<string, Spec>): Map<string, number> {
  const out = new Map<string, number>();
  for (const d of Object.values(graph)) {
    const w = Number(d.weight) > 0 ? Number(d.weight) : 1;
    out.set(String(d.node), (out.get(String(d.node)) ?? 0) + w);
  }
  return out;
}

Deno.test("unplaced and partition-only translator graphs FINISH through master -> 2 islands x 2 nodes", async (t) => {
  await withJoined(async ({ master, nodes }) => {
    const all = nodes.flat().map((n) => n.hostPort);
    const runs = FIXTURES.flatMap((name) =>
      (["unplaced", "partitions"] as const).map((form) => ({ name, form, sid: `${name}-${form}` }))
    );
    const results = await Promise.all(runs.map(async (r) => {
      const raw = await loadFixture(r.name, "cluster");
      const graph = r.form === "unplaced" ? unplaced(raw) : partitionOnly(raw);
      const done = await run(
        master.url,
        r.sid,
        graph,
        roots(graph),
        EXPECTED[r.name]!.seconds * 1000,
      );
      const status = await call(master.url, "GET", `/api/sessions/${r.sid}/graph/status`);
      return { ...r, raw, done, status: status.body as GraphStatus };
    }));
    for (const r of results) {
      await t.step(`${r.sid}: FINISHED, every Drop placed on a live node`, async () => {
        assert.ok(states(r.done.body).every((s) => s === 4), JSON.stringify(r.done.body));
        const skipped = EXPECTED[r.name]!.skipped(dropsOf(r.raw));
        assertDropStates(dropsOf(r.raw), r.status, skipped);
        assert.deepEqual(skippedIn(r.status), [...skipped].sort());
        const g = await graphOf(master.url, r.sid);
        assert.equal(Object.keys(g).length, dropsOf(r.raw).length);
        for (const d of Object.values(g)) assert.ok(all.includes(String(d.node)), String(d.node));
        if (r.form === "partitions") {
          // Each translator partition is whole on one node, and the partitions on 4 nodes.
          const byPart = new Map<string, Set<string>>();
          for (const d of dropsOf(r.raw)) {
            const set = byPart.get(String(d.node)) ?? new Set();
            set.add(String(g[d.oid]!.node));
            byPart.set(String(d.node), set);
          }
          for (const [p, set] of byPart) assert.equal(set.size, 1, `partition ${p} split`);
          const used = new Set([...byPart.values()].map((s) => [...s][0]));
          assert.equal(used.size, byPart.size, "one node per partition");
        }
        const l = loads(g);
        const total = [...l.values()].reduce((a, b) => a + b, 0);
        console.log(
          `${r.sid}: weight per node ${[...l.values()].join(", ")} (ideal ${total / 4})`,
        );
      });
    }
  });
});

Deno.test("placement keeps pinned Drops, keeps partitions across appends, skips a node that left", async () => {
  await withJoined(async ({ master, islands, nodes }) => {
    const mem = (oid: string, extra: Record<string, unknown> = {}) => ({
      oid,
      categoryType: "Data",
      dropclass: "dlg.data.drops.memory.InMemoryDROP",
      ...extra,
    });
    const pinned = nodes[1]![1]!.hostPort;
    const sid = "parts";
    assert.equal((await call(master.url, "POST", "/api/sessions", { sessionId: sid })).status, 200);
    // Part 1: partition #0 and #1, a Drop pinned to a node (its island found by the master).
    const a1 = await call(master.url, "POST", `/api/sessions/${sid}/graph/append`, [
      mem("A", { node: "#0", island: "#0", weight: 10 }),
      mem("B", { node: "#1", island: "#0", weight: 10 }),
      mem("P", { node: pinned }),
      mem("Q", { node: nodes[0]![0]!.hostPort, island: islands[0]!.hostPort }),
    ]);
    assert.equal(a1.status, 200, JSON.stringify(a1.body));
    // Part 2: more of partition #0; a Drop linked to P follows it.
    const a2 = await call(master.url, "POST", `/api/sessions/${sid}/graph/append`, [
      mem("A2", { node: "#0", island: "#0" }),
      {
        oid: "L",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        inputs: ["P"],
      },
    ]);
    assert.equal(a2.status, 200, JSON.stringify(a2.body));
    const g = await graphOf(master.url, sid);
    assert.equal(g.P!.node, pinned);
    assert.equal(g.P!.island, islands[1]!.hostPort);
    assert.equal(g.Q!.node, nodes[0]![0]!.hostPort);
    assert.equal(g.L!.node, pinned, "a Drop linked to a placed one follows it");
    assert.equal(g.A2!.node, g.A!.node, "partition #0 stays on its node");
    assert.equal(g.A!.island, g.B!.island, "island partition #0 on one island");
    // Heavier than Q pinned beside them: the two partitions balance onto both nodes.
    assert.notEqual(g.A!.node, g.B!.node);

    // A node that leaves is not placed on.
    const gone = nodes[0]![1]!;
    await gone.stop();
    await childrenAre(islands[0]!.url, [nodes[0]![0]!.hostPort]);
    const many = Array.from({ length: 12 }, (_, i) => mem(`M${i}`, { node: `#${i}` }));
    const done = await run(master.url, "after-leave", many, many.map((x) => x.oid));
    assert.ok(states(done.body).every((s) => s === 4), JSON.stringify(done.body));
    const used = new Set(
      Object.values(await graphOf(master.url, "after-leave")).map((d) => d.node),
    );
    assert.ok(!used.has(gone.hostPort), [...used].join(","));
    assert.equal(used.size, 3, [...used].join(","));
  });
});
