/**
 * Issue 13 item 6 across a partition: a node that cannot reach its peer (the island reaches
 * both) gives up an event after its retries. It says so (`lost`, with the events as ERRORs) in
 * its session summary and its `session` event; the island fails the session naming the node and
 * why, delivers those ERRORs to the peer in the node's place, so the Drop waiting there goes to
 * ERROR with the reason (which producer, from which node, why), and cancels the rest: nothing
 * hangs. In process (the sending part already over) and with real processes (still running).
 */
import assert from "node:assert/strict";
import { CompositeManager, type DropManager, NodeManager } from "../core/manager/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { tierApp } from "./_util/tier_app.ts";
import { FAST_HEALTH } from "./_util/cluster.ts";
import { getJson, MEM, stateOf } from "./_util/faults.ts";
import { type Proc, startNode, startProc } from "./_util/procs.ts";

function serve(manager: DropManager) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    tierApp(manager).fetch,
  );
  return { hostPort: `127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

/** A port nothing listens on. */
function deadPort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  return port;
}

const re = (s: string) => new RegExp(s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));

/**
 * Two served nodes, n1 cut off (every call of its goes through a proxy that is not there) and
 * quick to give an event up; `stop` ends both and removes their directories.
 */
async function cutPair() {
  const cut = Deno.createHttpClient({ proxy: { url: `http://127.0.0.1:${deadPort()}` } });
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const n1 = new NodeManager({
    workDir: dirs[0]!,
    dlmCheckPeriod: 0,
    eventRetry: 300,
    transport: { httpClient: cut },
  });
  const n2 = new NodeManager({ workDir: dirs[1]!, dlmCheckPeriod: 0 });
  const s1 = serve(n1);
  const s2 = serve(n2);
  const stop = async () => {
    await s1.stop();
    await s2.stop();
    await n1.stop();
    await n2.stop();
    cut.close();
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  };
  return { n1, n2, s1, s2, stop };
}

/** P (on `a`) -> D -> C (on `b`); with `busy`, `a` also runs a sleep of that many seconds. */
function graph(a: string, b: string, busy = 0): Record<string, unknown>[] {
  const g: Record<string, unknown>[] = [
    {
      oid: "P",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: 0,
      outputs: ["D"],
      node: a,
    },
    { oid: "D", categoryType: "Data", dropclass: MEM, consumers: ["C"], node: b },
    { oid: "C", categoryType: "Application", dropclass: "dlg.apps.simple.CopyApp", node: b },
  ];
  if (busy) {
    g.push({
      oid: "S",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: busy,
      node: a,
    });
  }
  return g;
}

/** What the waiting side must say: D failed naming P, the sending node and why; C names D. */
function assertWaitingFailed(
  d: { state: string; error?: string },
  c: { state: string; error?: string },
  from: string,
) {
  assert.equal(d.state, "ERROR", JSON.stringify(d));
  assert.match(d.error!, /producerFinished of P could not be delivered: events to .* lost after/);
  assert.match(d.error!, re(`on node ${from}`));
  assert.equal(c.state, "ERROR", JSON.stringify(c));
  assert.match(c.error!, /input D failed: .*lost after/);
}

Deno.test("faults: an event lost across a partition fails the session at the island; the waiting Drop goes to ERROR with why", async () => {
  const { n1, n2, s1, s2, stop } = await cutPair();
  const island = new CompositeManager({
    attr: "node",
    children: [s1.hostPort, s2.hostPort],
    checkPeriod: 0.2,
  });
  try {
    await island.createSession("p");
    await island.append("p", graph(s1.hostPort, s2.hostPort));
    await island.deploy("p", ["P"]);
    const details = await waitFor(async () => {
      const d = await island.session("p") as { error?: string };
      return d.error?.includes("lost after") ? d : undefined;
    }, { timeout: 15_000, what: "the island naming the lost event" });
    assert.match(details.error!, new RegExp(`${re(s1.hostPort).source}.*lost after`));
    // n2's part fails instead of waiting for ever: D heard why from the island.
    await waitFor(() => n2.sessionStatus("p") === 6, { timeout: 10_000, what: "n2 FAILED" });
    assertWaitingFailed(
      n2.dropInfo("p", "D") as { state: string },
      n2.dropInfo("p", "C") as { state: string },
      s1.hostPort,
    );
    assert.equal(n1.sessionStatus("p"), 4, "n1's own part did finish (history kept)");
  } finally {
    await island.stop();
    await stop();
  }
});

Deno.test("faults: an event lost between islands: the master delivers it, the waiting Drop on the other island goes to ERROR", async () => {
  const { n2, s1, s2, stop } = await cutPair();
  // n2 is not under n1's island: only the master reaches it for n1.
  const i1 = new CompositeManager({ attr: "node", children: [s1.hostPort], checkPeriod: 0.2 });
  const i2 = new CompositeManager({ attr: "node", children: [s2.hostPort], checkPeriod: 0.2 });
  const si1 = serve(i1);
  const si2 = serve(i2);
  const master = new CompositeManager({
    attr: "island",
    children: [si1.hostPort, si2.hostPort],
    checkPeriod: 0.2,
  });
  try {
    await master.createSession("p");
    const g = graph(s1.hostPort, s2.hostPort).map((d) => ({
      ...d,
      island: d.node === s1.hostPort ? si1.hostPort : si2.hostPort,
    }));
    await master.append("p", g);
    await master.deploy("p", ["P"]);
    await waitFor(() => n2.sessionStatus("p") === 6, { timeout: 15_000, what: "n2 FAILED" });
    assertWaitingFailed(
      n2.dropInfo("p", "D") as { state: string },
      n2.dropInfo("p", "C") as { state: string },
      s1.hostPort,
    );
    const details = await master.session("p") as { error?: string };
    assert.match(details.error ?? "", new RegExp(`${re(s1.hostPort).source}.*lost after`));
  } finally {
    await master.stop();
    await si1.stop();
    await si2.stop();
    await i1.stop();
    await i2.stop();
    await stop();
  }
});

Deno.test("faults: real processes, a node cut off from its peer mid-run: the waiting Drop goes to ERROR, the session FAILED naming the node", async () => {
  const started: Proc[] = [];
  const dir = await Deno.makeTempDir({ prefix: "dlg-node-" });
  try {
    // n1's every outgoing call goes through a proxy that is not there: it cannot reach n2,
    // while the island reaches both.
    const n1 = await startProc("cmd/dlg-node.ts", ["-w", dir, "--event-retry", "0.5"], {
      env: { HTTP_PROXY: `http://127.0.0.1:${deadPort()}`, NO_PROXY: "" },
    });
    started.push(n1);
    const n2 = await startNode();
    started.push(n2);
    const island = await startProc("cmd/dlg-island.ts", [
      "-N",
      `${n1.hostPort},${n2.hostPort}`,
      ...FAST_HEALTH,
    ]);
    started.push(island);
    const t0 = Date.now();
    const post = (path: string, body: unknown) =>
      fetch(`${island.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => assert.ok(r.ok, await r.text()));
    await post("/api/sessions", { sessionId: "p" });
    // n1 is still running its sleep when it gives P's event up.
    await post("/api/sessions/p/graph/append", graph(n1.hostPort, n2.hostPort, 30));
    await post("/api/sessions/p/deploy", { completed: ["P", "S"] });

    const end = await waitFor(async () => {
      const s = await stateOf(island.url, "p");
      return s.state === 6 ? s : undefined;
    }, { timeout: 20_000, what: "the session FAILED at the island" });
    assert.match(end.error ?? "", new RegExp(`${re(n1.hostPort).source}.*lost after`));
    const drop = (oid: string) =>
      getJson<{ state: string; error?: string }>(
        `${n2.url}/api/sessions/p/graph/drop/${oid}`,
      );
    const d = await waitFor(async () => {
      const x = await drop("D");
      return x.state !== "INITIALIZED" ? x : undefined;
    }, { timeout: 10_000, what: "D no longer waiting" });
    assertWaitingFailed(d, await drop("C"), n1.hostPort);
    // n1's sleep was stopped (the session broke down there), not left running for 30 s.
    const s = await getJson<{ state: string }>(`${n1.url}/api/sessions/p/graph/drop/S`);
    assert.equal(s.state, "CANCELLED");
    assert.ok(Date.now() - t0 < 20_000, `took ${Date.now() - t0} ms`);
  } finally {
    await Promise.all(started.map((p) => p.stop()));
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  }
});
