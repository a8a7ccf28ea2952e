/**
 * Faults in real processes (DESIGN §9): a node SIGKILLed mid-run under a master, an island
 * SIGKILLed. Every tier says FAILED naming the lost child, within `--child-timeout` (3 s here),
 * `dlg submit --wait` exits 1 printing why, and sessions with nothing there are not touched.
 */
import assert from "node:assert/strict";
import { MasterManagerClient, reduceSessionStatus } from "../core/client/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { FAST_HEALTH, startCluster } from "./_util/cluster.ts";
import { type At, dlg, sleepGraph, stateOf, writeGraph } from "./_util/faults.ts";
import { flat } from "./_util/tiers.ts";

const FAILED = 6;

Deno.test("faults: a node SIGKILLed mid-run fails the session at island and master; dlg submit --wait exits 1 naming it", async () => {
  const c = await startCluster([2, 2], [], { health: FAST_HEALTH });
  const file = { path: "" };
  try {
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 15_000 });
    const at: At[] = c.nodes.flatMap((list, i) =>
      list.map((p) => ({ node: p.hostPort, island: c.islands[i]!.hostPort }))
    );
    const victim = c.nodes[1]![1]!;
    file.path = await writeGraph(sleepGraph(at, 60));
    const cli = dlg(["submit", file.path, "-m", c.master.url, "-s", "run", "-w"]);
    await waitFor(() => m.sessionStatus("run").catch(() => undefined), {
      until: (st) => flat(st).length === 4 && flat(st).every((x) => x === 3),
      timeout: 20_000,
      what: "session run RUNNING on 4 nodes",
    });
    // One not deployed yet, with Drops on the victim: it can never run, so it must end too.
    await m.createSession("b");
    await m.appendGraph("b", sleepGraph(at, 60));
    const bEvents = (async () => {
      const out: { event: string; data: unknown }[] = [];
      const signal = AbortSignal.timeout(20_000);
      for await (const e of m.sessionEvents("b", { signal })) out.push(e);
      return out;
    })();
    // Another session, on the three other nodes only: it must finish.
    await m.createSession("other");
    await m.appendGraph("other", sleepGraph(at.slice(0, 3), 2));
    await m.deploySession("other", ["S0", "S1", "S2"]);

    const t0 = Date.now();
    await victim.stop("SIGKILL");
    const out = await cli;
    const took = Date.now() - t0;
    assert.equal(out.code, 1, `${out.stdout}\n${out.stderr}`);
    assert.ok(took < 15_000, `dlg submit --wait took ${took} ms`);
    assert.match(out.stdout, /^run FAILED/m);
    assert.match(out.stderr, new RegExp(`error: .*${victim.hostPort}.*health checks`));

    // Island and master: FAILED, the error names the node; the rest of the session stopped.
    for (const url of [c.islands[1]!.url, c.master.url]) {
      const s = await stateOf(url, "run");
      assert.equal(s.state, FAILED, JSON.stringify(s));
      assert.match(s.error ?? "", new RegExp(victim.hostPort));
      const parts = (s.error ?? "").split("; ");
      assert.deepEqual(parts, [...new Set(parts)], `said once: ${s.error}`);
    }
    assert.deepEqual(flat(await m.sessionStatus("run")).sort(), [5, 5, 5, FAILED]);
    // `dlg status` prints the error too.
    const st = await dlg(["status", "run", "-m", c.master.url]);
    assert.equal(st.code, 0, st.stderr);
    assert.match(st.stdout, new RegExp(`error: .*${victim.hostPort}`));

    // The session not deployed: FAILED at both tiers, naming the node; its stream ended so.
    for (const url of [c.islands[1]!.url, c.master.url]) {
      const b = await waitFor(() => stateOf(url, "b"), {
        until: (x) => x.state === FAILED,
        timeout: 10_000,
        what: `b FAILED at ${url}`,
      });
      assert.match(b.error ?? "", new RegExp(victim.hostPort));
    }
    const ended = await bEvents;
    const last = ended.at(-1)!;
    assert.equal(last.event, "session");
    assert.equal(reduceSessionStatus((last.data as { status: unknown }).status), FAILED);
    const bs = await dlg(["status", "b", "-m", c.master.url]);
    assert.match(bs.stdout, /FAILED/);
    assert.match(bs.stdout, new RegExp(`error: .*${victim.hostPort}`));

    // A new session naming the dead node: 555 naming it at island and master, not "not mine".
    for (const [url, sid] of [[c.islands[1]!.url, "late1"], [c.master.url, "late2"]]) {
      const post = (path: string, body: unknown) =>
        fetch(`${url}${path}`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        }).then(async (r) => ({ status: r.status, body: await r.json() }));
      assert.equal((await post("/api/sessions", { sessionId: sid })).status, 200);
      const r = await post(`/api/sessions/${sid}/graph/append`, sleepGraph(at.slice(3), 1));
      assert.equal(r.status, 555, JSON.stringify(r.body));
      assert.equal(r.body.type, "SubManagerException");
      assert.match(JSON.stringify(r.body.args), new RegExp(victim.hostPort));
      assert.equal(await fetch(`${url}/api/sessions/${sid}/graph/size`).then((x) => x.json()), 0);
    }

    // The other session (nothing on the dead node) finishes.
    const other = await waitFor(() => m.sessionStatus("other"), {
      until: (x) => reduceSessionStatus(x) === 4,
      timeout: 15_000,
      what: "session other FINISHED",
    });
    assert.ok(!flat(other).includes(FAILED), JSON.stringify(other));
  } finally {
    await c.stop();
    if (file.path) await Deno.remove(file.path);
  }
});

Deno.test("faults: a dead island fails only the sessions with Drops on it", async () => {
  const c = await startCluster([1, 1], [], { health: FAST_HEALTH });
  try {
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 15_000 });
    const at: At[] = [0, 1].map((i) => ({
      node: c.nodes[i]![0]!.hostPort,
      island: c.islands[i]!.hostPort,
    }));
    const victim = c.islands[1]!;
    const name = `${victim.hostPort}:5555:6666`;
    // "k" has Drops on both islands; "u" only on the first.
    await m.createSession("k");
    await m.appendGraph("k", sleepGraph(at, 60));
    await m.deploySession("k", ["S0", "S1"]);
    await m.createSession("u");
    await m.appendGraph("u", sleepGraph(at.slice(0, 1), 6));
    await m.deploySession("u", ["S0"]);
    await victim.stop("SIGKILL");

    const k = await waitFor(() => stateOf(c.master.url, "k"), {
      until: (s) => s.state === FAILED,
      timeout: 10_000,
      what: "k FAILED at the master",
    });
    assert.match(k.error ?? "", new RegExp(victim.hostPort));
    // Its part on the island that is alive was cancelled.
    await waitFor(() => stateOf(c.islands[0]!.url, "k"), {
      until: (s) => s.state === 5,
      timeout: 5_000,
      what: "k CANCELLED on the live island",
    });
    // "u": never 6 for the dead island; it finishes.
    const listed = await m.sessions();
    const u = listed.find((x) => x.sessionId === "u")!;
    assert.notEqual((u.status as Record<string, unknown>)[name], FAILED, JSON.stringify(u));
    const end = await waitFor(() => stateOf(c.master.url, "u"), {
      until: (s) => s.state !== undefined && s.state >= 4,
      timeout: 15_000,
      what: "u over",
    });
    assert.equal(end.state, 4, JSON.stringify(end));
    assert.equal(end.error, undefined);
  } finally {
    await c.stop();
  }
});
