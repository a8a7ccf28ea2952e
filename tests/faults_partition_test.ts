/**
 * Issue 13 item 6 across a partition: a node that cannot reach its peer (the island reaches
 * both) gives up an event after its retries. Its own part had already FINISHED, so it says the
 * event was lost in its session summary; the island's health checks read it, fail the session
 * naming the node and why, and cancel the part still waiting on the peer: nothing hangs.
 */
import assert from "node:assert/strict";
import { CompositeManager, type DropManager, NodeManager } from "../core/manager/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { tierApp } from "./_util/tier_app.ts";

function serve(manager: DropManager) {
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    tierApp(manager).fetch,
  );
  return { hostPort: `127.0.0.1:${server.addr.port}`, stop: () => server.shutdown() };
}

Deno.test("faults: an event lost across a partition fails the session at the island; the waiting part is cancelled", async () => {
  const dead = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const deadPort = dead.addr.port;
  dead.close();
  // n1 reaches nothing (every call of its goes through a proxy that is not there).
  const cut = Deno.createHttpClient({ proxy: { url: `http://127.0.0.1:${deadPort}` } });
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
  const island = new CompositeManager({
    attr: "node",
    children: [s1.hostPort, s2.hostPort],
    checkPeriod: 0.2,
  });
  try {
    await island.createSession("p");
    const at = (node: string) => ({ node });
    await island.append("p", [
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.SleepApp",
        sleep_time: 0,
        outputs: ["D"],
        ...at(s1.hostPort),
      },
      {
        oid: "D",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        consumers: ["C"],
        ...at(s2.hostPort),
      },
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        ...at(s2.hostPort),
      },
    ]);
    await island.deploy("p", ["P"]);
    const details = await waitFor(async () => {
      const d = await island.session("p") as { error?: string };
      return d.error?.includes("lost after") ? d : undefined;
    }, { timeout: 15_000, what: "the island naming the lost event" });
    assert.match(details.error!, new RegExp(`${s1.hostPort.replace(/\./g, "\\.")}.*lost after`));
    // n2's part, waiting for D, is cancelled instead of waiting for ever.
    await waitFor(() => n2.sessionStatus("p") === 5, { timeout: 10_000, what: "n2 CANCELLED" });
    assert.equal(n1.sessionStatus("p"), 4, "n1's own part did finish (history kept)");
  } finally {
    await island.stop();
    await s1.stop();
    await s2.stop();
    await n1.stop();
    await n2.stop();
    cut.close();
    for (const d of dirs) await Deno.remove(d, { recursive: true });
  }
});
