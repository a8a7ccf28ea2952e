/**
 * hello_universe (DALiuGE's PyFuncApp `string2json`, then scatter, HelloWorldApp, gather) on
 * one in-process node with python3 workers: DALiuGE's output. hello_universe_large (10,003
 * Drops, 59 MB) is appended in parts under the 10 MB request limit, then runs to FINISHED.
 */
import assert from "node:assert/strict";
import { DropStates, SessionStates } from "../../core/drops/states.ts";
import { withNode } from "./_single.ts";
import { dropsOf, HELLO_UNIVERSE, loadFixture, roots, splitParts } from "./_fixtures.ts";
import { append, createSession, deploy, runGraph, waitEnded } from "./_run.ts";

const ENDED_OK: number[] = [DropStates.COMPLETED, DropStates.EXPIRED, DropStates.DELETED];

Deno.test("hello_universe.single.json runs to FINISHED with DALiuGE's greeting file", async () => {
  const graph = await loadFixture("hello_universe", "single");
  const file = dropsOf(graph).find((d) => String(d.dropclass).endsWith("FileDROP"))!;
  await withNode(async (call) => {
    const out = await runGraph(call, "hello", graph, 60_000);
    assert.deepEqual(out.final, [SessionStates.FINISHED]);
    for (const [oid, s] of Object.entries(out.graphStatus)) {
      assert.ok(ENDED_OK.includes(s.status), `${oid} ended in ${s.status}`);
    }
    const r = await call("GET", `/api/sessions/hello/graph/drop/data/${file.oid}`);
    const path = (r.body as { filepath: string }).filepath;
    assert.equal(await Deno.readTextFile(path), HELLO_UNIVERSE);
  });
});

Deno.test("hello_universe_large.single.json in parts: all accepted, then FINISHED", async () => {
  const graph = await loadFixture("hello_universe_large", "single");
  const parts = splitParts(graph, 10 * 1024 * 1024 - 64 * 1024);
  assert.ok(parts.length >= 6, `${parts.length} parts`);
  await withNode(async (call) => {
    await createSession(call, "big");
    for (const p of parts) {
      const r = await append(call, "big", p.text);
      assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
    }
    assert.equal((await call("GET", "/api/sessions/big/graph/size")).body, 10_003);
    assert.equal((await deploy(call, "big", roots(graph))).status, 200);
    assert.deepEqual(await waitEnded(call, "big", 240_000), [SessionStates.FINISHED]);
    const status = (await call("GET", "/api/sessions/big/graph/status")).body as Record<
      string,
      { status: number }
    >;
    const bad = Object.entries(status).filter(([, s]) => !ENDED_OK.includes(s.status));
    assert.deepEqual(bad, []);
  });
});
