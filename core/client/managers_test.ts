import assert from "node:assert/strict";
import { DlgClientError, NodeManagerClient } from "./mod.ts";
import { withServedNode } from "./_test_server.ts";
import { waitFor } from "../testing/mod.ts";

const A = { oid: "A", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" };
const B = {
  oid: "B",
  categoryType: "Application",
  dropclass: "dlg.apps.simple.SleepAndCopyApp",
  sleep_time: 0,
  inputs: ["A"],
  outputs: ["C"],
};
const C = { oid: "C", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" };

async function rejects(p: Promise<unknown>, status: number, type: string): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof DlgClientError, `not a DlgClientError: ${e}`);
    assert.equal(e.type, type, e.message);
    assert.equal(e.status, status, e.message);
    return e.args;
  }
  assert.fail(`expected ${type}`);
}

Deno.test("NodeManagerClient drives a session through its whole life", async () => {
  await withServedNode(async (url) => {
    const c = new NodeManagerClient(url, { timeoutMs: 5000 });
    assert.deepEqual(await c.createSession("s1"), { sessionId: "s1" });
    assert.equal(await c.sessionStatus("s1"), 0);
    assert.deepEqual(await c.appendGraph("s1", [A, {}]), { Status: "Success" });
    await c.appendGraph("s1", [B], { compress: "zlib" });
    await c.addGraphSpec("s1", JSON.stringify([C]));
    assert.equal(await c.graphSize("s1"), 3);
    assert.deepEqual(Object.keys(await c.graph("s1")).sort(), ["A", "B", "C"]);
    assert.deepEqual(await c.sessions(), [{ sessionId: "s1", status: 1, size: 3 }]);
    await c.deploySession("s1", ["A"]);
    let gs = await c.graphStatus("s1");
    await waitFor(async () => (await c.sessionStatus("s1")) === 4);
    gs = await c.getGraphStatus("s1");
    assert.deepEqual(gs.B, { status: 2, execStatus: 2 });
    assert.equal(gs.C?.status, 2);
    const info = await c.dropStatus("s1", "B");
    assert.equal(info.oid, "B");
    assert.ok(Array.isArray(info.logs));
    assert.deepEqual(await c.dropData("s1", "C"), { filepath: "" });
    assert.match(String((await c.sessionDir("s1")).dir), /s1$/);
    assert.equal((await c.session("s1")).status, 4);
    await c.destroySession("s1");
    assert.deepEqual(await c.sessions(), []);
  });
});

Deno.test("NodeManagerClient appends gzip bodies and accepts real gzip", async () => {
  await withServedNode(async (url) => {
    const c = new NodeManagerClient(url);
    await c.createSession("g");
    await c.appendGraph("g", [A], { compress: "gzip" });
    await c.appendGraph("g", [C], { gzip: true });
    assert.equal(await c.graphSize("g"), 2);
  });
});

Deno.test("NodeManagerClient rebuilds server errors with DALiuGE's type and args", async () => {
  await withServedNode(async (url) => {
    const c = new NodeManagerClient(url);
    await c.createSession("dup");
    const args = await rejects(c.createSession("dup"), 409, "SessionAlreadyExistsException");
    assert.deepEqual(args, ["dup"]);
    assert.deepEqual(await rejects(c.sessionStatus("nope"), 404, "NoSessionException"), ["nope"]);
    await rejects(c.graphStatus("dup"), 400, "InvalidSessionState");
    await rejects(c.appendGraph("dup", [{ oid: "X" }]), 400, "InvalidGraphException");
    await rejects(c.cancelSession("nope"), 404, "NoSessionException");
    const e = await c.session("nope").catch((e) => e);
    assert.ok(DlgClientError.is(e, "NoSessionException"));
    assert.ok(!DlgClientError.is(e, "InvalidGraphException"));
    assert.ok(!DlgClientError.is(new Error("x"), "NoSessionException"));
    try {
      await c.destroySession("nope");
      assert.fail("expected an error");
    } catch (e) {
      assert.equal((e as Error).message, "NoSessionException: nope");
    }
  });
});

Deno.test("RestClient reports an unreachable manager as RestClientException", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const c = new NodeManagerClient(`127.0.0.1:${port}`, { timeoutMs: 2000 });
  const args = await rejects(c.sessions(), 0, "RestClientException");
  assert.match(String((args as string[])[0]), /Cannot reach http:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("RestClient times out a call that gets no answer", async () => {
  let release!: () => void;
  const held = new Promise<void>((r) => release = r);
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async () => {
      await held;
      return new Response("{}");
    },
  );
  try {
    const c = new NodeManagerClient(`127.0.0.1:${server.addr.port}`, { timeoutMs: 100 });
    const t0 = Date.now();
    const args = await rejects(c.sessions(), 0, "RestClientException");
    assert.match(String((args as string[])[0]), /no answer within 100 ms/);
    assert.ok(Date.now() - t0 < 2000);
  } finally {
    release();
    ac.abort();
    await server.finished;
  }
});

Deno.test("baseUrl-style targets: host:port and node strings reach the same manager", async () => {
  await withServedNode(async (url) => {
    const port = new URL(url).port;
    const c = new NodeManagerClient(`127.0.0.1:${port}:5555:6666`);
    assert.deepEqual(await c.submissionMethod(), { methods: ["BROWSER", "SERVER"] });
    assert.equal(c.url, url);
  });
});
