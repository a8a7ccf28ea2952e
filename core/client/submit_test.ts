import assert from "node:assert/strict";
import {
  graphRoots,
  graphSpecs,
  linkOids,
  newSessionId,
  NodeManagerClient,
  splitGraph,
  submitGraph,
  waitForSession,
} from "./mod.ts";
import { translatorFixture, withServedNode } from "./_test_server.ts";

const data = (oid: string, extra = {}) => ({ oid, categoryType: "Data", ...extra });
const app = (oid: string, extra = {}) => ({ oid, categoryType: "Application", ...extra });

Deno.test("graphSpecs drops DALiuGE's trailing metadata element only", () => {
  assert.deepEqual(graphSpecs([data("A"), {}]), [data("A")]);
  assert.deepEqual(graphSpecs([data("A"), { rmode: "1" }]), [data("A")]);
  assert.throws(() => graphSpecs({}), /JSON array/);
  assert.throws(() => graphSpecs([data("A"), 3]), /element #1/);
});

Deno.test("linkOids reads OID strings and {oid: port} objects", () => {
  assert.deepEqual(linkOids(["a", { b: "port" }]), ["a", "b"]);
  assert.deepEqual(linkOids(undefined), []);
  assert.deepEqual(linkOids(null), []);
});

Deno.test("graphRoots finds Drops without inputs or producers, links on either side", () => {
  const g = [
    data("A", { consumers: ["B"] }), // root
    app("B", { outputs: [{ C: "out" }] }), // declared on A's side only
    data("C"), // its producer is declared on B's side only
    app("D", { uid: "D-uid" }), // a lone app is a root (by uid)
    data("E", { producers: ["F"] }),
    app("F", { inputs: [], outputs: [] }), // empty lists: a root
    data("G", { streamingConsumers: [{ H: "s" }] }),
    app("H"),
  ];
  assert.deepEqual(graphRoots(g), ["A", "D-uid", "F", "G"]);
});

Deno.test("graphRoots of the translator fixture are its two sources", async () => {
  const specs = graphSpecs(await translatorFixture());
  assert.deepEqual(graphRoots(specs).sort(), [
    "1_612cdb69-c6ce-4099-bbdf-1ff3ff4fd541_0",
    "1_b340d25b-9d97-4f10-8430-629a6eb7846d_0",
  ]);
});

Deno.test("splitGraph keeps every spec once and parts under the size", () => {
  const specs = Array.from({ length: 100 }, (_, i) => data(`d${i}`, { pad: "é".repeat(50) }));
  const parts = splitGraph(specs, 1000);
  assert.ok(parts.length > 5);
  for (const p of parts) assert.ok(new TextEncoder().encode(p).length <= 1000, p);
  assert.deepEqual(parts.flatMap((p) => JSON.parse(p)), specs);
  assert.deepEqual(splitGraph([]), []);
  const big = data("big", { pad: "x".repeat(5000) });
  assert.deepEqual(splitGraph([big, data("s")], 1000).map((p) => JSON.parse(p).length), [1, 1]);
});

Deno.test("newSessionId is unique and safe as a directory name", () => {
  const a = newSessionId("my graph/../x");
  assert.match(a, /^my_graph_.._x-\d{8}-\d{6}-[0-9a-f]{6}$/);
  assert.notEqual(newSessionId(), newSessionId());
});

Deno.test("submitGraph runs the translator fixture to FINISHED in several parts", async () => {
  await withServedNode(async (url) => {
    const c = new NodeManagerClient(url);
    const specs = graphSpecs(await translatorFixture());
    const seen: number[] = [];
    const r = await submitGraph(c, specs, {
      sessionId: "tr",
      partBytes: 20_000,
      compress: "zlib",
      onPart: (n) => seen.push(n),
    });
    assert.equal(r.drops, 15);
    assert.ok(r.parts >= 3, `parts: ${r.parts}`);
    assert.deepEqual(seen, Array.from({ length: r.parts }, (_, i) => i + 1));
    const end = await waitForSession(c, "tr", { intervalMs: 20 });
    assert.equal(end.status, 4);
    assert.deepEqual(end.drops, {
      total: 15,
      waiting: 0,
      running: 0,
      done: 15,
      error: 0,
      cancelled: 0,
      skipped: 0,
    });
  });
});

Deno.test("submitGraph deletes the session it created when an append fails", async () => {
  await withServedNode(async (url) => {
    const c = new NodeManagerClient(url);
    const bad = [data("A", { dropclass: "dlg.data.drops.memory.InMemoryDROP" }), app("B")];
    await assert.rejects(
      submitGraph(c, bad, { sessionId: "bad", partBytes: 10 }),
      /InvalidGraphException: .*B.*\(appending part 2 of 2\)/,
    );
    assert.deepEqual(await c.sessions(), []);
  });
});

Deno.test("submitGraph keeps two appends in flight, and every part arrives once", async () => {
  let inFlight = 0;
  let most = 0;
  const got: string[] = [];
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      if (path.endsWith("/graph/append")) {
        most = Math.max(most, ++inFlight);
        const specs = await req.json() as { oid: string }[];
        await new Promise((r) => setTimeout(r, 30));
        got.push(...specs.map((s) => s.oid));
        inFlight--;
        return Response.json({});
      }
      if (path === "/api/sessions") return Response.json({ sessionId: "p" });
      return Response.json({});
    },
  );
  try {
    const c = new NodeManagerClient(`http://127.0.0.1:${server.addr.port}`);
    const specs = Array.from({ length: 6 }, (_, i) => data(`d${i}`));
    const parts: number[] = [];
    const r = await submitGraph(c, specs, {
      sessionId: "p",
      partBytes: 60,
      noDeploy: true,
      onPart: (done) => parts.push(done),
    });
    assert.equal(r.parts, 6);
    assert.equal(most, 2);
    assert.deepEqual(got.sort(), specs.map((s) => s.oid).sort());
    assert.deepEqual(parts, [1, 2, 3, 4, 5, 6]);
  } finally {
    ac.abort();
    await server.finished;
  }
});
