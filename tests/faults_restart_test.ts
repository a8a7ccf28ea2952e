/**
 * Faults in real processes (DESIGN §9): a node killed and restarted on the same port, a node
 * stalled (SIGSTOP) past `--child-timeout` (3 s here) and resumed. History is not rewritten, a
 * child that comes back is used again and its part of failed sessions is cancelled, cancel
 * reaches every child.
 */
import assert from "node:assert/strict";
import { MasterManagerClient, NodeManagerClient, reduceSessionStatus } from "../core/client/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { FAST_HEALTH, startCluster } from "./_util/cluster.ts";
import { type At, getJson, sleepGraph, stateOf } from "./_util/faults.ts";
import { type Proc, restartNode } from "./_util/procs.ts";
import { flat } from "./_util/tiers.ts";

const FINISHED = 4;
const CANCELLED = 5;
const FAILED = 6;

Deno.test("faults: a node restarted on its port keeps the history and is used again", async () => {
  const c = await startCluster([2], [], { health: FAST_HEALTH });
  let again: Proc | undefined;
  try {
    const island = new MasterManagerClient(c.islands[0]!.url, { timeoutMs: 15_000 });
    const [n1, n2] = c.nodes[0]! as [(typeof c.nodes)[0][0], (typeof c.nodes)[0][0]];
    const at: At[] = [n1, n2].map((p) => ({ node: p.hostPort }));
    const n2Name = `${n2.hostPort}:5555:6666`;
    // "done" finishes before the kill; "busy" runs through it.
    await island.createSession("done");
    await island.appendGraph("done", sleepGraph(at, 0.05));
    await island.deploySession("done", ["S0", "S1"]);
    await waitFor(() => stateOf(c.islands[0]!.url, "done"), {
      until: (s) => s.state === FINISHED,
      what: "done FINISHED",
    });
    await island.createSession("busy");
    await island.appendGraph("busy", sleepGraph(at, 60));
    await island.deploySession("busy", ["S0", "S1"]);
    await new Promise((r) => setTimeout(r, 1500)); // a health check sees both
    await n2.stop("SIGKILL");
    again = await restartNode(n2);

    // "busy" is FAILED naming n2 (it lost the session); its part on n1 is cancelled.
    const busy = await waitFor(() => stateOf(c.islands[0]!.url, "busy"), {
      until: (s) => s.state === FAILED,
      timeout: 10_000,
      what: "busy FAILED",
    });
    assert.match(busy.error ?? "", new RegExp(n2.hostPort));
    assert.deepEqual(busy.status, { [`${n1.hostPort}:5555:6666`]: CANCELLED, [n2Name]: FAILED });
    // "done" stays FINISHED everywhere the island shows it.
    assert.deepEqual(flat(await island.sessionStatus("done")), [FINISHED, FINISHED]);
    const listed = await getJson<{ sessionId: string; status: unknown }[]>(
      `${c.islands[0]!.url}/api/sessions`,
    );
    assert.deepEqual(flat(listed.find((x) => x.sessionId === "done")?.status), [4, 4]);
    assert.equal((await stateOf(c.islands[0]!.url, "done")).error, undefined);

    // A new session runs on the restarted node.
    await island.createSession("new");
    await island.appendGraph("new", sleepGraph(at, 0.05));
    await island.deploySession("new", ["S0", "S1"]);
    const end = await waitFor(() => island.sessionStatus("new"), {
      until: (st) => flat(st).every((x) => x >= FINISHED),
      timeout: 10_000,
      what: "new over",
    });
    assert.deepEqual(end, { [`${n1.hostPort}:5555:6666`]: FINISHED, [n2Name]: FINISHED });
  } finally {
    await again?.stop();
    await c.stop();
  }
});

Deno.test("faults: a node stalled past --child-timeout fails its sessions, then is cancelled and used again", async () => {
  const c = await startCluster([2], [], { health: FAST_HEALTH });
  const victim = c.nodes[0]![1]!;
  let stopped = false;
  try {
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 15_000 });
    const island = c.islands[0]!.hostPort;
    const at: At[] = c.nodes[0]!.map((p) => ({ node: p.hostPort, island }));
    await m.createSession("st");
    await m.appendGraph("st", sleepGraph(at, 60));
    await m.deploySession("st", ["S0", "S1"]);
    Deno.kill(victim.child.pid, "SIGSTOP");
    stopped = true;
    const st = await waitFor(() => stateOf(c.master.url, "st"), {
      until: (s) => s.state === FAILED,
      timeout: 10_000,
      what: "st FAILED at the master",
    });
    assert.match(st.error ?? "", new RegExp(`${victim.hostPort}.*health checks`));
    // An append to it now answers at once, 555 naming it (its island says it is down), instead
    // of waiting on a node that does not answer.
    await m.createSession("pinned");
    const t0 = Date.now();
    await assert.rejects(
      m.appendGraph("pinned", sleepGraph(at.slice(1), 1)),
      new RegExp(`SubManagerException.*${victim.hostPort}.*down`),
    );
    assert.ok(Date.now() - t0 < 5_000, `took ${Date.now() - t0} ms`);
    Deno.kill(victim.child.pid, "SIGCONT");
    stopped = false;

    // Back: its part of the failed session is cancelled (its 60 s sleep does not go on)...
    const node = new NodeManagerClient(victim.url, { timeoutMs: 5_000 });
    await waitFor(() => node.sessionStatus("st"), {
      until: (x) => x === CANCELLED,
      timeout: 10_000,
      what: "st CANCELLED on the resumed node",
    });
    // ... the session stays FAILED, in its status and in the sessions list, at both tiers ...
    assert.equal((await stateOf(c.master.url, "st")).state, FAILED);
    for (const url of [c.islands[0]!.url, c.master.url]) {
      const list = await (await fetch(`${url}/api/sessions`)).json() as {
        sessionId: string;
        status: unknown;
      }[];
      const listed = list.find((x) => x.sessionId === "st")!;
      assert.equal(reduceSessionStatus(listed.status), FAILED, JSON.stringify(listed));
    }
    // ... cancel at the master reaches every child ...
    await m.cancelSession("st");
    // ... and new sessions run on it.
    await waitFor(async () => {
      await m.createSession("again");
      const r = await m.appendGraph("again", sleepGraph(at, 0.05)).then(() => true, async () => {
        await m.destroySession("again");
        return false;
      });
      return r;
    }, { timeout: 10_000, interval: 500, what: "a session on both nodes" });
    await m.deploySession("again", ["S0", "S1"]);
    await waitFor(() => m.sessionStatus("again"), {
      until: (x) => flat(x).length === 2 && flat(x).every((s) => s === FINISHED),
      timeout: 10_000,
      what: "again FINISHED on both nodes",
    });
    // Delete reaches every child too.
    await m.destroySession("st");
    await assert.rejects(node.sessionStatus("st"), /NoSession/);
  } finally {
    if (stopped) Deno.kill(victim.child.pid, "SIGCONT");
    await c.stop();
  }
});
