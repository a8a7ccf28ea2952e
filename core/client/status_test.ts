import assert from "node:assert/strict";
import {
  countDrops,
  DlgClientError,
  formatProgress,
  isSessionOver,
  NodeManagerClient,
  reduceSessionStatus,
  sessionStatusName,
  waitForSession,
} from "./mod.ts";
import { withServedNode } from "./_test_server.ts";

Deno.test("reduceSessionStatus: a node's int stays as it is", () => {
  for (let s = 0; s <= 6; s++) assert.equal(reduceSessionStatus(s), s);
});

Deno.test("reduceSessionStatus folds island maps and nested master maps", () => {
  assert.equal(reduceSessionStatus({ n1: 3, n2: 4 }), 3);
  assert.equal(reduceSessionStatus({ n1: 4, n2: 4 }), 4);
  assert.equal(reduceSessionStatus({ n1: 4, n2: 6 }), 6);
  assert.equal(reduceSessionStatus({ n1: 5, n2: 4 }), 5);
  assert.equal(reduceSessionStatus({ n1: 6, n2: 3 }), 3); // still running somewhere
  assert.equal(reduceSessionStatus({ i1: { n1: 4, n2: 4 }, i2: { n3: 3 } }), 3);
  assert.equal(reduceSessionStatus({ i1: { n1: 4 }, i2: { n3: 4, n4: 6 } }), 6);
  assert.equal(reduceSessionStatus({ n1: 0, n2: 1 }), 1);
  assert.equal(reduceSessionStatus({ n1: { Status: "Success" } }), undefined);
  assert.equal(reduceSessionStatus({}), undefined);
});

Deno.test("isSessionOver and sessionStatusName name DALiuGE's states", () => {
  assert.deepEqual([0, 1, 2, 3, 4, 5, 6].map(isSessionOver), [
    false,
    false,
    false,
    false,
    true,
    true,
    true,
  ]);
  assert.equal(sessionStatusName(3), "RUNNING");
  assert.equal(sessionStatusName(undefined), "UNKNOWN");
});

Deno.test("countDrops sorts Drops by what they are doing", () => {
  const c = countDrops({
    a: { status: 0 },
    b: { status: 0, execStatus: 1 },
    c: { status: 1 },
    d: { status: 2, execStatus: 2 },
    e: { status: 4 },
    f: { status: 5 },
    g: { status: 3, execStatus: 3 },
    h: { status: 6 },
    i: { status: 7 },
  });
  assert.deepEqual(c, {
    total: 9,
    waiting: 1,
    running: 2,
    done: 3,
    error: 1,
    cancelled: 1,
    skipped: 1,
  });
});

Deno.test("formatProgress draws a bar of the given width", () => {
  const counts = countDrops({
    a: { status: 2 },
    b: { status: 0, execStatus: 1 },
    c: { status: 3 },
  });
  const line = formatProgress({ counts, state: "RUNNING", elapsedMs: 1234, width: 9 });
  assert.equal(line, "[###!!!>>>] 1/3 done | 1 running | 0 waiting | 1 error | RUNNING 1.2s");
  assert.equal(formatProgress({ state: "DEPLOYING", elapsedMs: 0 }), "DEPLOYING 0.0s");
});

Deno.test("waitForSession gives up after maxErrors failed polls", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const c = new NodeManagerClient(`127.0.0.1:${port}`, { timeoutMs: 1000 });
  await assert.rejects(
    waitForSession(c, "s", { intervalMs: 5, maxErrors: 3 }),
    (e) => e instanceof DlgClientError && e.type === "RestClientException",
  );
});

Deno.test("waitForSession follows a running session's events and stops on abort", async () => {
  await withServedNode(async (url) => {
    const c = new NodeManagerClient(url);
    await c.createSession("slow");
    await c.appendGraph("slow", [{
      oid: "a",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: 30,
    }]);
    await c.deploySession("slow", ["a"]);
    const ac = new AbortController();
    const seen: (number | undefined)[] = [];
    await assert.rejects(
      waitForSession(c, "slow", {
        intervalMs: 5,
        signal: ac.signal,
        onProgress: (p) => {
          seen.push(p.status);
          assert.equal(p.drops?.running, 1);
          ac.abort(new Error("enough"));
        },
      }),
      /enough/,
    );
    assert.deepEqual(seen, [3]);
    await c.cancelSession("slow");
  });
});
