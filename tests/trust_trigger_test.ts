/**
 * Issue 12 item 2 (forged node-to-node calls): `POST .../trigger` starts only roots. A forged
 * trigger of a Drop whose producer is still running changes nothing; its consumer later reads
 * what the producer really wrote.
 */
import assert from "node:assert/strict";
import { NodeManager } from "../core/manager/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { tierApp } from "./_util/tier_app.ts";

const mem = "dlg.data.drops.memory.InMemoryDROP";

Deno.test("POST .../trigger ignores a Drop that is not a root (its producer still runs)", async () => {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-trigger-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  try {
    const app = tierApp(nm);
    nm.createSession("s");
    await nm.append("s", [
      { oid: "I", categoryType: "Data", dropclass: mem, pydata: "real data", consumers: ["P"] },
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.SleepAndCopyApp",
        sleep_time: 0.5,
        outputs: ["O"],
      },
      { oid: "O", categoryType: "Data", dropclass: mem, consumers: ["C"] },
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["R"],
      },
      { oid: "R", categoryType: "Data", dropclass: mem },
    ]);
    nm.deploy("s", ["I"]);
    // While P sleeps, an outsider completes O (and tries to start C, which has an input).
    const r = await app.request("/api/sessions/s/trigger", {
      method: "POST",
      body: JSON.stringify(["O", "C"]),
      headers: { "content-type": "application/json" },
    });
    assert.equal(r.status, 200);
    await r.body?.cancel();
    const status = nm.graphStatus("s") as Record<string, { status: number; execStatus?: number }>;
    assert.equal(status.O!.status, 0, "O is not completed by the forged trigger");
    assert.equal(status.C!.execStatus, 0, "C did not start");
    await waitFor(() => nm.sessionStatus("s") === 4, { what: "session FINISHED" });
    const info = nm.dropInfo("s", "O") as { logs: { Message: string }[] };
    assert.ok(info.logs.some((l) => /trigger ignored: O is not a root/.test(l.Message)));
    // C ran on what P wrote, not on nothing.
    const data = await (await app.request("/api/sessions/s/drops/R/data")).text();
    assert.equal(data, "real data");
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
});
