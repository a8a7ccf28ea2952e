/**
 * Faults between nodes in real processes (DESIGN §8, §9): events and Drop bytes exactly once
 * across a stall, an event a peer refuses fails the waiting Drop with why, and a Drop failing
 * because of a remote input says which input, on which node, and why.
 */
import assert from "node:assert/strict";
import { MasterManagerClient } from "../core/client/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { startCluster } from "./_util/cluster.ts";
import { startNode } from "./_util/procs.ts";
import { dlg, getJson, stateOf, transferGraph } from "./_util/faults.ts";

const FINISHED = 4;
const FAILED = 6;
const BASH = "dlg.apps.bash_shell_app.BashShellApp";

Deno.test("faults: a node stalled (SIGSTOP) mid-transfer receives the 100 KB once", async () => {
  // Health checks patient enough that the stall does not fail the session.
  const c = await startCluster([2], [], {
    health: ["--check-period", "1", "--child-timeout", "60"],
  });
  const [n1, n2] = c.nodes[0]!;
  let stopped = false;
  try {
    const url = c.islands[0]!.url;
    const island = new MasterManagerClient(url, { timeoutMs: 15_000 });
    const text = "0123456789".repeat(10_000);
    await island.createSession("x");
    await island.appendGraph(
      "x",
      transferGraph({ node: n1!.hostPort }, { node: n2!.hostPort }, text, 1),
    );
    await island.deploySession("x", ["R"]);
    // The event telling n2 that A completed leaves while n2 is stopped: n1 times out (10 s)
    // and tries again, so n2 finds two when it resumes.
    Deno.kill(n2!.child.pid, "SIGSTOP");
    stopped = true;
    await new Promise((r) => setTimeout(r, 12_000));
    Deno.kill(n2!.child.pid, "SIGCONT");
    stopped = false;
    await waitFor(() => stateOf(url, "x"), {
      until: (s) => s.state === FINISHED,
      timeout: 15_000,
      what: "x FINISHED",
    });
    const f = await island.request<{ filepath: string }>(
      "GET",
      "/api/sessions/x/graph/drop/data/F",
    );
    const got = await Deno.readTextFile(f.filepath);
    assert.equal(got.length, text.length);
    assert.equal(got, text);
  } finally {
    if (stopped) Deno.kill(n2!.child.pid, "SIGCONT");
    await c.stop();
  }
});

Deno.test("faults: a repeated event while the bytes are still coming starts no second read", async () => {
  // The peer is this test: it serves A's 100 KB slowly and sends A's completion twice, as a
  // sender does when its first try timed out on a stalled node (issue 13, item 3).
  let reads = 0;
  const chunk = new TextEncoder().encode("0123456789".repeat(1_000));
  const peer = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (!new URL(req.url).pathname.endsWith("/drops/A/data")) return Response.json({});
    reads++;
    let n = 0;
    const body = new ReadableStream<Uint8Array>({
      async pull(ctrl) {
        if (n++ === 10) return ctrl.close();
        await new Promise((r) => setTimeout(r, 50));
        ctrl.enqueue(chunk);
      },
    });
    return new Response(body);
  });
  const node = await startNode();
  try {
    const api = (path: string, body: unknown, form = false) =>
      fetch(`${node.url}/api/sessions${path}`, {
        method: "POST",
        body: form ? String(body) : JSON.stringify(body),
        headers: {
          "content-type": form ? "application/x-www-form-urlencoded" : "application/json",
        },
      }).then(async (r) => assert.equal(r.status, 200, await r.text()));
    await api("", { sessionId: "x" });
    await api("/x/graph/append", [
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        inputs: ["A"],
        outputs: ["F"],
      },
      { oid: "F", categoryType: "Data", dropclass: "dlg.data.drops.file.FileDROP" },
    ]);
    await api("/x/subscriptions", { [`127.0.0.1:${peer.addr.port}`]: [["C", 0, "A"]] });
    await api("/x/deploy", "", true);
    const ev = [{ type: "dropCompleted", uid: "A", status: 2, size: 100_000 }];
    await api("/x/events", ev);
    await new Promise((r) => setTimeout(r, 100));
    await api("/x/events", ev);
    await waitFor(() => getJson(`${node.url}/api/sessions/x/status`), {
      until: (st) => st === FINISHED,
      what: "x FINISHED",
    });
    const f = await getJson<{ filepath: string }>(`${node.url}/api/sessions/x/graph/drop/data/F`);
    assert.equal((await Deno.stat(f.filepath)).size, 100_000);
    assert.equal(reads, 1);
  } finally {
    await node.stop();
    await peer.shutdown();
  }
});

Deno.test("faults: an event the peer refuses fails the Drop there with why; a remote input's failure is named", async () => {
  const c = await startCluster([2], ["--max-request-size", "0.01"]);
  const [n1, n2] = c.nodes[0]!;
  try {
    const url = c.islands[0]!.url;
    const island = new MasterManagerClient(url, { timeoutMs: 15_000 });
    const from = { node: n1!.hostPort };
    const to = { node: n2!.hostPort };
    // 1. P (n1) writes 8 KB into a Drop on n2: inline (base64, 10.7 KB) in an event over n2's
    // 10 KB request limit.
    const big = [
      {
        oid: "R",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        pydata: "x".repeat(8_000),
        consumers: ["P"],
        ...from,
      },
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["A"],
        ...from,
      },
      {
        oid: "A",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        consumers: ["C"],
        ...to,
      },
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["F"],
        ...to,
      },
      { oid: "F", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP", ...to },
    ];
    await island.createSession("refused");
    await island.appendGraph("refused", big);
    await island.deploySession("refused", ["R"]);
    const s1 = await waitFor(() => stateOf(url, "refused"), {
      until: (s) => s.state === FAILED,
      timeout: 15_000,
      what: "refused FAILED",
    });
    const a = await island.dropStatus("refused", "A") as { error?: string };
    assert.match(a.error ?? "", /could not be delivered: .*HTTP 413/);
    assert.match(s1.error ?? "", /HTTP 413/);

    // 2. An app on n1 fails; its consumer on n2 says which input, where and why.
    const failing = [
      {
        oid: "B",
        categoryType: "Application",
        dropclass: BASH,
        command: "echo boom >&2; exit 3",
        outputs: ["D"],
        ...from,
      },
      {
        oid: "D",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        consumers: ["E"],
        ...from,
      },
      {
        oid: "E",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["G"],
        ...to,
      },
      { oid: "G", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP", ...to },
    ];
    await island.createSession("why");
    await island.appendGraph("why", failing);
    await island.deploySession("why", ["B"]);
    await waitFor(() => stateOf(url, "why"), {
      until: (s) => s.state === FAILED,
      timeout: 15_000,
      what: "why FAILED",
    });
    const e = await island.dropStatus("why", "E") as { error?: string };
    assert.match(
      e.error ?? "",
      new RegExp(`input D on node ${n1!.hostPort} failed: app B failed: .*3`),
    );
    // `dlg graph-status` lists each failed Drop with its error.
    const gs = await dlg(["graph-status", "why", "-m", url]);
    assert.equal(gs.code, 0, gs.stderr);
    assert.match(
      gs.stdout,
      new RegExp(`^  E: 1 of 1 inputs failed .*input D on node ${n1!.hostPort}`, "m"),
    );
    assert.match(gs.stdout, /^ {2}B: /m);
    const listed = await getJson<unknown[]>(`${url}/api/sessions`);
    assert.equal(listed.length, 2);
  } finally {
    await c.stop();
  }
});
