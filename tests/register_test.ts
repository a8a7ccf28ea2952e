/**
 * `--register`: nodes join an island started with no `-N` (with the cluster token), leave it on
 * a clean stop, and one that dies is handled by the fault rules (its session FAILED naming it).
 * Graphs name no node: the island places them on the nodes registered at the time.
 */
import assert from "node:assert/strict";
import type { Proc } from "./_util/procs.ts";
import {
  call,
  childrenAre,
  ended,
  joinNode,
  run,
  startIsland,
  states,
  TOKEN,
} from "./_util/joined.ts";

const MEM = "dlg.data.drops.memory.InMemoryDROP";

/** `n` independent chains `<p>i -> copy -> <p>i_out`, no node named; roots: the `<p>i`. */
function chains(p: string, n: number, sleep = 0): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => [
    {
      oid: `${p}${i}`,
      categoryType: "Data",
      dropclass: MEM,
      pydata: "x",
      consumers: [`${p}${i}a`],
    },
    {
      oid: `${p}${i}a`,
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepAndCopyApp",
      sleep_time: sleep,
      outputs: [`${p}${i}_out`],
    },
    { oid: `${p}${i}_out`, categoryType: "Data", dropclass: MEM },
  ]).flat();
}

/** `host:port` of each Drop's `node` in the session's graph. */
async function nodesUsed(base: string, sid: string): Promise<Map<string, string>> {
  const g = await call(base, "GET", `/api/sessions/${sid}/graph`);
  assert.equal(g.status, 200, JSON.stringify(g.body));
  const out = new Map<string, string>();
  for (const [oid, spec] of Object.entries(g.body as Record<string, { node?: string }>)) {
    out.set(oid, String(spec.node));
  }
  return out;
}

Deno.test("nodes join an island with no -N by --register, leave on stop, and are placed on", async () => {
  const started: Proc[] = [];
  try {
    const island = await startIsland();
    started.push(island);
    const [a, b] = await Promise.all([joinNode(island), joinNode(island)]);
    started.push(a!, b!);
    await childrenAre(island.url, [a!.hostPort, b!.hostPort]);

    // Two unrelated chains: each kept whole, one per node.
    const done = await run(island.url, "s1", chains("c", 2), ["c0", "c1"]);
    assert.deepEqual(states(done.body), [4, 4], JSON.stringify(done.body));
    const at = await nodesUsed(island.url, "s1");
    for (const c of ["c0", "c1"]) {
      assert.equal(at.get(`${c}a`), at.get(c));
      assert.equal(at.get(`${c}_out`), at.get(c));
    }
    assert.deepEqual(
      [at.get("c0"), at.get("c1")].sort(),
      [a!.hostPort, b!.hostPort].sort(),
      "one chain per node",
    );

    // A clean stop leaves the island's list; new graphs go to the node left.
    await b!.stop();
    await childrenAre(island.url, [a!.hostPort]);
    await run(island.url, "s2", chains("d", 2), ["d0", "d1"]);
    assert.deepEqual(new Set((await nodesUsed(island.url, "s2")).values()), new Set([a!.hostPort]));

    // A node that joins late is used for new sessions.
    const c = await joinNode(island);
    started.push(c);
    await childrenAre(island.url, [a!.hostPort, c.hostPort]);
    const s3 = await run(island.url, "s3", chains("e", 4), ["e0", "e1", "e2", "e3"]);
    assert.deepEqual(states(s3.body), [4, 4]);
    assert.deepEqual(
      new Set((await nodesUsed(island.url, "s3")).values()),
      new Set([a!.hostPort, c.hostPort]),
    );
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
});

Deno.test("a registered node that dies fails the sessions with Drops on it, naming it", async () => {
  const started: Proc[] = [];
  try {
    const island = await startIsland();
    started.push(island);
    const [a, b] = await Promise.all([joinNode(island), joinNode(island)]);
    started.push(a!, b!);
    await childrenAre(island.url, [a!.hostPort, b!.hostPort]);
    const sid = "dies";
    assert.equal((await call(island.url, "POST", "/api/sessions", { sessionId: sid })).status, 200);
    const r = await call(
      island.url,
      "POST",
      `/api/sessions/${sid}/graph/append`,
      chains("k", 2, 30),
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const d = await fetch(`${island.url}/api/sessions/${sid}/deploy`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: "completed=k0,k1",
    });
    assert.equal(d.status, 200, await d.text());
    await b!.stop("SIGKILL");
    const over = await ended(island.url, sid, 20_000);
    assert.ok(states(over.body).includes(6), JSON.stringify(over.body));
    const info = await call(island.url, "GET", `/api/sessions/${sid}`);
    const error = String((info.body as { error?: string }).error);
    assert.ok(error.includes(b!.hostPort), error);
    // The dead node stays listed (it never left) but is down: new graphs avoid it.
    await call(island.url, "POST", `/api/sessions/${sid}/cancel`);
    await run(island.url, "after", chains("m", 2), ["m0", "m1"]);
    assert.deepEqual(
      new Set((await nodesUsed(island.url, "after")).values()),
      new Set([a!.hostPort]),
    );
  } finally {
    await Promise.all(started.map((p) => p.stop()));
  }
});
