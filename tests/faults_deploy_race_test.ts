/**
 * The soak's session left running (issue 13): a node stalls while a composite deploy is on its
 * first step and is called down, so the session breaks while its parts are still BUILDING. The
 * cancels of the other parts came then, were refused (nothing deployed yet) and were never
 * sent again; the deploy went on once the node resumed, the node's part was cancelled when it
 * came back, and the part waiting for its events waited for ever. Now the cancels (and the
 * returning node's) wait for the deploy to end: every part ends.
 */
import assert from "node:assert/strict";
import { CompositeManager, type DropManager, NodeManager } from "../core/manager/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { reduceSessionStatus } from "../core/client/mod.ts";
import { tierApp } from "./_util/tier_app.ts";
import { MEM } from "./_util/faults.ts";

function serve(handler: Deno.ServeHandler) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  return { hostPort: `127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

const serveManager = (m: DropManager) => serve(tierApp(m).fetch);

/** A way to `to` that holds every request while stalled (a node under SIGSTOP, in process). */
function stallable(to: string) {
  let release: () => void = () => {};
  let gate: Promise<void> = Promise.resolve();
  const s = serve(async (req) => {
    await gate;
    const u = new URL(req.url);
    const body = req.method === "GET" || req.method === "HEAD" ? undefined : await req.blob();
    return await fetch(`http://${to}${u.pathname}${u.search}`, {
      method: req.method,
      headers: req.headers,
      body,
      signal: req.signal,
    }).catch(() => new Response(null, { status: 502 })); // the caller gave up
  });
  return {
    ...s,
    stall() {
      gate = new Promise((r) => release = r);
    },
    resume: () => release(),
  };
}

/** Two in-process nodes and the island over them, one node reached through a `stallable` way. */
interface Pair {
  x: NodeManager;
  y: NodeManager;
  island: CompositeManager;
  /** Each node's `host:port` as the island reaches it (the stalled one's is its way's). */
  at: { x: string; y: string };
  way: ReturnType<typeof stallable>;
}

/** Run `fn` over a Pair whose node `stalled` can be stalled; everything stopped after. */
async function withPair(stalled: "x" | "y", fn: (p: Pair) => Promise<void>): Promise<void> {
  const dirs = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const x = new NodeManager({ workDir: dirs[0]!, dlmCheckPeriod: 0 });
  const y = new NodeManager({ workDir: dirs[1]!, dlmCheckPeriod: 0 });
  const sx = serveManager(x);
  const sy = serveManager(y);
  const way = stallable((stalled === "x" ? sx : sy).hostPort);
  const at = stalled === "x"
    ? { x: way.hostPort, y: sy.hostPort }
    : { x: sx.hostPort, y: way.hostPort };
  const island = new CompositeManager({
    attr: "node",
    children: [at.x, at.y],
    checkPeriod: 0.2,
    childTimeout: 1,
  });
  try {
    await fn({ x, y, island, at, way });
  } finally {
    way.resume();
    await island.stop();
    await way.stop();
    await sx.stop();
    await sy.stop();
    await x.stop();
    await y.stop();
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
}

Deno.test("faults: a node called down during a deploy's first step: no part is left running", async () => {
  await withPair("x", async ({ x, y, island, at, way: px }) => {
    await island.createSession("s");
    // P (on x) sleeps, then A goes to C on y: y's part waits for x's events.
    await island.append("s", [
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.SleepAndCopyApp",
        sleep_time: 3,
        outputs: ["A"],
        node: at.x,
      },
      { oid: "A", categoryType: "Data", dropclass: MEM, consumers: ["C"], node: at.x },
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["F"],
        node: at.y,
      },
      { oid: "F", categoryType: "Data", dropclass: MEM, node: at.y },
    ]);
    px.stall();
    const deployed = island.deploy("s", ["P"]).then(() => "ok", (e) => String(e));
    const xChild = island.children.find((c) => c.name.startsWith(px.hostPort))!;
    await waitFor(() => xChild.down !== undefined, { timeout: 10_000, what: "x called down" });
    px.resume();
    await deployed;
    // Both parts end (y's is cancelled, x's too once it is back), well before P's 3 s sleep
    // would have ended x's part on its own.
    const over = (m: NodeManager) => m.sessionStatus("s") >= 4;
    await waitFor(() => over(x) && over(y), { timeout: 10_000, what: "both parts over" }).catch(
      (e) => {
        throw new Error(`${e.message}: x ${x.sessionStatus("s")}, y ${y.sessionStatus("s")}`);
      },
    );
    assert.equal(y.sessionStatus("s"), 5, "y's part was cancelled");
    const d = await island.session("s") as { error?: string };
    assert.match(d.error ?? "", new RegExp(px.hostPort.replace(/\./g, "\\.")));
  });
});

Deno.test("faults: a node down during a deploy that holds none of the session's Drops does not keep it running", async () => {
  await withPair("y", async ({ y, island, at, way: py }) => {
    await island.createSession("s");
    // Every Drop on x: y's part of the session is empty.
    await island.append("s", [
      { oid: "A", categoryType: "Data", dropclass: MEM, consumers: ["C"], node: at.x },
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["F"],
        node: at.x,
      },
      { oid: "F", categoryType: "Data", dropclass: MEM, node: at.x },
    ]);
    const events = await island.watch("s");
    py.stall();
    const yChild = island.children.find((c) => c.name.startsWith(py.hostPort))!;
    await waitFor(() => yChild.down !== undefined, { timeout: 10_000, what: "y called down" });
    // The deploy skips y (down, nothing there); y comes back with its part still PRISTINE.
    await island.deploy("s", ["A"]);
    py.resume();
    await waitFor(() => yChild.down === undefined, { timeout: 10_000, what: "y back" });
    assert.equal(y.sessionStatus("s"), 0, "y never heard the deploy");
    const overall = async () => reduceSessionStatus((await island.session("s")).status);
    await waitFor(async () => await overall() === 4, {
      timeout: 10_000,
      what: "the session FINISHED at the island",
    });
    // The event stream ends too, with the session FINISHED.
    let last: { status?: unknown } = {};
    for await (const e of events) if (e.event === "session") last = JSON.parse(e.data);
    assert.equal(reduceSessionStatus(last.status), 4);
  });
});
