/**
 * hello_universe_large.single.json (10,003 Drops, 59 MB) appended in parts under the 10 MB
 * request limit: every part without the PyFuncApp Drop is accepted, the part holding it is
 * rejected naming that Drop, and the session keeps exactly the accepted parts.
 */
import assert from "node:assert/strict";
import { withNode } from "./_single.ts";
import { loadFixture, splitParts } from "./_fixtures.ts";
import { append, createSession } from "./_run.ts";

Deno.test("hello_universe_large in parts: all accepted but the PyFuncApp part, which names it", async () => {
  const graph = await loadFixture("hello_universe_large", "single");
  const pyfunc = graph.filter((d) => String(d.dropclass).endsWith("PyFuncApp")).map((d) => d.oid);
  assert.equal(pyfunc.length, 1);
  const parts = splitParts(graph, 10 * 1024 * 1024 - 64 * 1024);
  assert.ok(parts.length >= 6, `${parts.length} parts`);
  await withNode(async (call) => {
    await createSession(call, "big");
    let kept = 0;
    for (const p of parts) {
      const r = await append(call, "big", p.text);
      if (p.oids.includes(pyfunc[0]!)) {
        assert.equal(r.status, 400);
        const err = r.body as { type: string; args: string[] };
        assert.equal(err.type, "InvalidGraphException");
        assert.match(err.args[0]!, new RegExp(`^Drop ${pyfunc[0]}: Python functions`));
      } else {
        assert.equal(r.status, 200, JSON.stringify(r.body).slice(0, 300));
        kept += p.oids.length;
      }
    }
    assert.equal((await call("GET", "/api/sessions/big/graph/size")).body, kept);
    assert.equal(kept, 10_003 - parts.find((p) => p.oids.includes(pyfunc[0]!))!.oids.length);
  });
});
