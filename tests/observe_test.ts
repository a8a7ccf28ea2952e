/**
 * Logs and metrics at every tier, in real processes: a master over an island over two nodes
 * (session log files with -l, JSON log lines on stderr), a cross-node graph with a failing Drop,
 * `/metrics` parsed as Prometheus text at each tier, `dlg logs` and `dlg drop` at the master.
 */
import assert from "node:assert/strict";
import parsePrometheusTextFormat from "parse-prometheus-text-format";
import { MasterManagerClient } from "../core/client/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { startCluster } from "./_util/cluster.ts";

const mem = "dlg.data.drops.memory.InMemoryDROP";
const bash = "dlg.apps.bash_shell_app.BashShellApp";
const DLG = new URL("../cmd/dlg.ts", import.meta.url).pathname;

interface Family {
  name: string;
  type: string;
  metrics: { value?: string; labels?: Record<string, string>; count?: string }[];
}

async function scrape(url: string): Promise<Map<string, Family>> {
  const res = await fetch(`${url}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get("content-type") ?? "", /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheusTextFormat(await res.text()) as Family[];
  return new Map(families.map((f) => [f.name, f]));
}

function value(f: Family | undefined, labels: Record<string, string>): number {
  const m = f?.metrics.find((x) => Object.entries(labels).every(([k, v]) => x.labels?.[k] === v));
  return m ? Number(m.value ?? m.count) : 0;
}

async function dlg(args: string[], manager: string) {
  const r = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DLG, "-m", manager, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

Deno.test("logs, /metrics and dlg logs/drop at every tier of a real hierarchy", async () => {
  const logDir = await Deno.makeTempDir({ prefix: "dlg-logs-" });
  const c = await startCluster([2], ["-l", logDir, "--log-format", "json"]);
  try {
    const m = new MasterManagerClient(c.master.url, { timeoutMs: 15_000 });
    const island = c.islands[0]!.hostPort;
    const [n1, n2] = c.nodes[0]!.map((p) => p.hostPort) as [string, string];
    const graph = [
      // 1 MiB: streamed between the nodes, not inline in an event.
      {
        oid: "A",
        categoryType: "Data",
        dropclass: mem,
        pydata: "x".repeat(2 ** 20),
        node: n1,
        island,
      },
      {
        oid: "boom",
        categoryType: "Application",
        dropclass: bash,
        command: "cat %i0 >/dev/null; echo disk full >&2; exit 4",
        node: n2,
        island,
        inputs: ["A"],
        outputs: ["B"],
      },
      { oid: "B", categoryType: "Data", dropclass: mem, node: n2, island },
    ];
    await m.createSession("s");
    await m.appendGraph("s", graph);
    await m.deploySession("s", ["A"]);
    await waitFor(async () => (await m.graphStatus("s")).B?.status === 3, { timeout: 15_000 });

    // The node's session file, and its JSON log lines on stderr.
    const n2Proc = c.nodes[0]![1]!;
    const files = [...Deno.readDirSync(logDir)].map((e) => e.name);
    const port = n2.split(":")[1];
    assert.ok(files.includes(`dlg_127.0.0.1_${port}_s.log`), files.join(", "));
    const jsonLines = () =>
      n2Proc.output().split("\n").filter((l) => l.startsWith("{")).map((l) =>
        JSON.parse(l) as Record<string, unknown>
      );
    await waitFor(() => jsonLines().some((l) => /session s FAILED/.test(String(l.message))), {
      timeout: 10_000,
    });
    const json = jsonLines();
    // The session's error is a property of its own, as it is in the message.
    const ended = json.find((l) => /session s FAILED/.test(String(l.message)))!;
    assert.match(String(ended.error), /^Drop boom failed: .*disk full/);
    assert.equal(String(ended.message), `session s FAILED: ${ended.error}`);
    const failed = json.find((l) => l.oid === "boom");
    assert.match(String(failed?.message), /Drop boom failed: .*disk full/);
    assert.equal(failed?.level, "WARNING");

    // The island and the master log the session's states from its merged stream.
    for (const tier of [c.islands[0]!, c.master]) {
      await waitFor(() => /session s FAILED: .*disk full/.test(tier.output()), { timeout: 10_000 });
      assert.match(tier.output(), /\[INFO\] dlg·(island|master): session s RUNNING/);
    }

    // dlg logs at the master merges the nodes' logs, each line naming its node.
    const logs = await dlg(["logs", "s"], c.master.url);
    assert.equal(logs.code, 0, logs.err);
    assert.match(logs.out, new RegExp(`${island}.*${n2}.*Drop boom failed: .*disk full`));
    const times = logs.out.trim().split("\n").map((l) => l.slice(0, 24));
    assert.deepEqual(times, [...times].sort(), "merged lines are in time order");
    const drop = await dlg(["drop", "s", "boom"], c.master.url);
    assert.equal(drop.code, 0, drop.err);
    assert.match(drop.out, /^boom ERROR/);
    assert.match(drop.out, /error: .*disk full/);
    const dropLogs = await dlg(["logs", "s", "boom"], c.master.url);
    assert.match(dropLogs.out, /error: .*disk full/);

    // The island passes a Drop read through to its node.
    const through = await fetch(`${c.islands[0]!.url}/api/node/${n2}/sessions/s/graph/drop/boom`);
    const info = await through.json() as { oid: string; error: string };
    assert.equal(through.status, 200);
    assert.equal(info.oid, "boom");
    assert.match(info.error, /disk full/);

    // /metrics parses at every tier and says what happened.
    const node1 = await scrape(c.nodes[0]![0]!.url);
    const node2 = await scrape(c.nodes[0]![1]!.url);
    const isl = await scrape(c.islands[0]!.url);
    const master = await scrape(c.master.url);
    assert.equal(value(node2.get("dlg_sessions"), { state: "FAILED" }), 1);
    assert.equal(value(node2.get("dlg_drops"), { state: "ERROR" }), 2);
    assert.equal(value(node2.get("dlg_drop_changes_total"), { state: "ERROR" }), 2);
    assert.equal(value(node2.get("dlg_pool"), { pool: "worker", what: "busy" }), 0);
    // Events went from n1 to n2, and A's bytes too.
    const calls = (f: Map<string, Family>, direction: string, kind: string) =>
      value(f.get("dlg_tier_requests_total"), { direction, kind, status: "200" });
    assert.ok(calls(node1, "out", "events") >= 1);
    assert.ok(calls(node2, "in", "events") >= 1);
    assert.ok(calls(node1, "in", "data") + calls(node2, "in", "data") >= 1);
    const bytes = (f: Map<string, Family>, direction: string) =>
      value(f.get("dlg_tier_bytes_total"), { direction, kind: "data" }) || 0;
    assert.ok(bytes(node1, "out") + bytes(node2, "in") >= 2 ** 20, "A's bytes are counted");
    assert.ok(value(node1.get("dlg_http_requests_total"), { route: "/api/sessions" }) >= 1);
    for (const f of [isl, master]) {
      assert.equal(f.get("dlg_http_request_duration_seconds")?.type, "HISTOGRAM");
      assert.equal(value(f.get("dlg_sessions"), { state: "FAILED" }), 1);
      assert.ok(value(f.get("dlg_tier_requests_total"), { direction: "out", kind: "control" }) > 0);
    }
    assert.equal(value(isl.get("dlg_child_up"), { child: `${n1}:5555:6666` }), 1);
    assert.equal(value(master.get("dlg_child_up"), { child: `${island}:5555:6666` }), 1);

    // Sessions not deployed yet (PRISTINE, BUILDING) have no Drops to count: still a scrape.
    await m.createSession("p");
    await m.createSession("b");
    await m.appendGraph("b", [{
      oid: "X",
      categoryType: "Data",
      dropclass: mem,
      node: n2,
      island,
    }]);
    const later = await scrape(c.nodes[0]![1]!.url);
    assert.equal(value(later.get("dlg_sessions"), { state: "PRISTINE" }), 1);
    assert.equal(value(later.get("dlg_sessions"), { state: "BUILDING" }), 1);
    assert.equal(value(later.get("dlg_drops"), { state: "ERROR" }), 2);

    // A rejected request is logged with status and reason, never a token.
    const bad = await fetch(`${c.islands[0]!.url}/api/sessions/nope/status`, {
      headers: { authorization: "Bearer s3cret-token" },
    });
    await bad.body?.cancel();
    const rejected = await waitFor(() =>
      c.islands[0]!.output().split("\n").find((l) => l.includes("/api/sessions/nope/status"))
    );
    assert.match(rejected, /404 NoSessionException/);
    assert.doesNotMatch(c.islands[0]!.output(), /s3cret-token/);
  } finally {
    await c.stop();
    await Deno.remove(logDir, { recursive: true });
  }
});

Deno.test("startup mistakes are one line and a non-zero exit", async () => {
  const run = async (script: string, args: string[]) => {
    const r = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL(`../cmd/${script}`, import.meta.url).pathname, ...args],
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).output();
    return { code: r.code, err: new TextDecoder().decode(r.stderr).trim() };
  };
  const badN = await run("dlg-island.ts", ["-P", "0", "-N", "foo:bar"]);
  assert.equal(badN.code, 2);
  assert.match(badN.err, /^dlg-island: invalid node string "foo:bar": port "bar"/);
  assert.equal(badN.err.split("\n").length, 1);
  const badDir = await run("dlg-node.ts", ["-P", "0", "-w", "/proc/no/such/dir"]);
  assert.equal(badDir.code, 1);
  assert.match(badDir.err, /^dlg-node: cannot use work dir \/proc\/no\/such\/dir: /);
  assert.equal(badDir.err.split("\n").length, 1);
  const busy = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  try {
    const port = String((busy.addr as Deno.NetAddr).port);
    const tmp = await Deno.makeTempDir();
    const inUse = await run("dlg-node.ts", ["-P", port, "-w", tmp]);
    await Deno.remove(tmp, { recursive: true });
    assert.equal(inUse.code, 1);
    assert.match(inUse.err, /cannot listen on 127\.0\.0\.1:\d+: the address is already in use/);
    assert.doesNotMatch(inUse.err, /\n\s+at /);
  } finally {
    busy.close();
  }
});
