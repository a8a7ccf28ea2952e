/**
 * Issue 12, item 4: a big append is read and checked in slices, so the event loop keeps
 * answering; appends still go in whole or not at all, one after the other.
 */
import assert from "node:assert/strict";
import { mem, replyOf, withNode } from "./_util/inproc.ts";
import { NodeManager } from "../core/manager/mod.ts";
import { createApp } from "../core/rest/mod.ts";

const tiny = (from: number, n: number) =>
  Array.from({ length: n }, (_, i) => ({ oid: `d${from + i}`, categoryType: "Data" }));

async function gzip(value: unknown): Promise<Uint8Array<ArrayBuffer>> {
  const body = new Blob([JSON.stringify(value)]).stream();
  return new Uint8Array(
    await new Response(body.pipeThrough(new CompressionStream("deflate"))).arrayBuffer(),
  );
}

Deno.test("GET .../status is answered while a 500k-Drop gzip append is ingested", async () => {
  const body = await gzip(tiny(0, 500_000));
  const workDir = await Deno.makeTempDir({ prefix: "dlg-ingest-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  const app = createApp(nm, { maxRequestSize: 8 * 1024 * 1024 });
  try {
    await app.request("/api/sessions", { method: "POST", body: '{"sessionId": "s"}' });
    let done = false;
    const append = Promise.resolve(app.request("/api/sessions/s/graph/append", {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    })).then(replyOf).finally(() => done = true);
    let worst = 0;
    let polls = 0;
    while (!done) {
      const t0 = performance.now();
      // A timer, not a request, measures the loop: app.request itself would run as a microtask.
      await new Promise((r) => setTimeout(r, 5));
      const r = await app.request("/api/sessions/s/status");
      assert.equal(r.status, 200);
      await r.body?.cancel();
      worst = Math.max(worst, performance.now() - t0);
      polls++;
    }
    const r = await append;
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((await replyOf(await app.request("/api/sessions/s/graph/size"))).body, 500_000);
    // The target is 200 ms (tests/bench ingest row); generous here, as CI machines are loaded.
    assert.ok(worst < 1000, `status waited ${Math.round(worst)} ms (${polls} polls)`);
    assert.ok(polls > 5, `only ${polls} status polls during the append`);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
});

Deno.test("a big append is all or nothing, and appends queue behind it, deploy refused meanwhile", async () => {
  await withNode(async (api) => {
    await api.session("s", [mem("first")]);
    // A bad last Drop: nothing of the 20k before it goes in.
    const bad = [...tiny(0, 20_000), { oid: "x", categoryType: "Nope" }];
    const r = await api.post("/api/sessions/s/graph/append", bad);
    assert.equal(r.status, 400);
    assert.match(String((r.body as { args: string[] }).args[0]), /Drop x has categoryType/);
    assert.equal((await api.get("/api/sessions/s/graph/size")).body, 1);

    // A big append, then (while it is checked) a small one repeating one of its OIDs, a good
    // small one, and a deploy.
    // The manager's own calls, so that they reach it in this order (requests would first read
    // their bodies, and a loaded machine could reorder them): each append is queued once it
    // returns.
    const outcome = (p: void | Promise<void>) =>
      Promise.resolve(p).then(() => "ok", (e: Error) => e.message);
    const big = outcome(api.nm.append("s", tiny(0, 20_000)));
    const dup = outcome(api.nm.append("s", [mem("d19999")]));
    const ok = outcome(api.nm.append("s", [mem("last")]));
    assert.throws(
      () => api.nm.deploy("s", []),
      (e: Error & { type?: string }) => e.type === "InvalidSessionState",
    );
    assert.equal(await big, "ok");
    assert.match(await dup, /d19999 is already in the session/);
    assert.equal(await ok, "ok");
    assert.equal((await api.get("/api/sessions/s/graph/size")).body, 20_002);
    assert.equal((await api.get("/api/sessions/s/status")).body, 1);
  });
});
