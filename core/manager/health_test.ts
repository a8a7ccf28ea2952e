import assert from "node:assert/strict";
import { waitFor } from "../testing/mod.ts";
import { parseNode } from "../wire/mod.ts";
import { Child } from "./children.ts";
import { Health } from "./health.ts";

Deno.test("Health: a child is down only after --child-timeout without an answer, and back when it answers", async () => {
  let refusing = false;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    () =>
      refusing
        ? Response.json({ type: "DaliugeException", args: ["busy"] }, { status: 500 })
        : Response.json([{ sessionId: "s", status: 3, size: 1 }]),
  );
  const c = new Child(parseNode(`127.0.0.1:${server.addr.port}`));
  const events: string[] = [];
  const health = new Health({
    children: () => [c],
    periodMs: 50,
    childTimeoutMs: 400,
    onAnswer: (_c, list) => events.push(`answer ${list.length}`),
    onDown: (_c, err) => events.push(`down ${JSON.stringify(err.args)}`),
    onBack: () => events.push("back"),
  });
  try {
    await waitFor(() => events.includes("answer 1"), { what: "a first answer" });
    const t0 = Date.now();
    refusing = true;
    await waitFor(() => c.down, { what: "down" });
    assert.ok(Date.now() - t0 >= 350, `down after ${Date.now() - t0} ms`);
    assert.match(events.find((e) => e.startsWith("down"))!, /no answer to health checks for 0.4 s/);
    refusing = false;
    await waitFor(() => events.includes("back"), { what: "back" });
    assert.equal(c.down, undefined);
    assert.equal(events.filter((e) => e.startsWith("down")).length, 1);
  } finally {
    await health.stop();
    await server.shutdown();
  }
});
