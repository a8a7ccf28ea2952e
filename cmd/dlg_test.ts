import assert from "node:assert/strict";
import { startCluster } from "../tests/_util/cluster.ts";
import { startNode } from "../tests/_util/procs.ts";

const DLG = new URL("./dlg.ts", import.meta.url).pathname;
const FIXTURE = new URL("../tests/fixtures/translator_grpby_gather.json", import.meta.url).pathname;

interface Run {
  code: number;
  out: string;
  err: string;
}

async function dlg(args: string[], o: { manager?: string; stdin?: string } = {}): Promise<Run> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DLG, ...args],
    env: o.manager ? { DLG_MANAGER: o.manager } : {},
    stdin: o.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  });
  const child = cmd.spawn();
  if (o.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(o.stdin));
    await w.close();
  }
  const r = await child.output();
  const dec = new TextDecoder();
  return { code: r.code, out: dec.decode(r.stdout), err: dec.decode(r.stderr) };
}

/** One clear line on stderr, no stack trace. */
function oneLineError(r: Run, re: RegExp) {
  assert.equal(r.err.trim().split("\n").length, 1, r.err);
  assert.match(r.err, re);
  assert.doesNotMatch(r.err, /\n\s+at /);
}

Deno.test("dlg --help prints the usage and exits 0", async () => {
  const r = await dlg(["--help"]);
  assert.equal(r.code, 0);
  assert.match(r.out, /Usage: dlg COMMAND/);
  assert.match(r.out, /graph-status SID/);
});

Deno.test("dlg exits 2 with one line on bad usage", async () => {
  for (
    const [args, re] of [
      [[], /a command is needed/],
      [["frob"], /unknown command "frob"/],
      [["status"], /status takes a session id/],
      [["submit"], /submit takes a graph file/],
      [["sessions", "x"], /sessions takes no arguments/],
      [["sessions", "--bogus"], /Unknown option '--bogus'/],
      [["status", "s", "--wait"], /--wait is only for submit/],
      [["logs"], /logs takes a session id and maybe a Drop oid/],
      [["drop", "s"], /drop takes a session id and a Drop oid/],
      [["-m", "ftp://h:21", "sessions"], /"ftp" is not http or https/],
      [["-m", "http://h:8000/api", "sessions"], /without a path/],
      [["submit", "g.json", "--part-size", "0"], /--part-size must be a positive number/],
      [["sessions", "--token-file", "/nonexistent/t"], /--token-file \/nonexistent\/t: No such/],
      [["sessions", "--ca-file", "/nonexistent/ca"], /--ca-file \/nonexistent\/ca: No such/],
    ] as const
  ) {
    const r = await dlg([...args]);
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.err}`);
    oneLineError(r, re);
  }
});

Deno.test("dlg reports an unreachable manager in one line, exit 1", async () => {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = l.addr.port;
  l.close();
  const r = await dlg(["sessions", "-m", `127.0.0.1:${port}`, "-T", "5"]);
  assert.equal(r.code, 1);
  oneLineError(r, /^dlg: RestClientException: Cannot reach http:\/\/127\.0\.0\.1:\d+/);
});

Deno.test("dlg drives a node: submit --wait, sessions, status, graph-status, cancel, delete", async (t) => {
  const node = await startNode(["--dlm-check-period", "0"]);
  const m = { manager: node.url };
  try {
    await t.step("submit --wait runs the translator fixture to FINISHED", async () => {
      const r = await dlg(["submit", FIXTURE, "--wait", "-s", "tr", "--part-size", "0.02"], m);
      assert.equal(r.code, 0, r.err);
      assert.match(r.err, /submitted 15 Drops in [4-9] part\(s\) to session tr, 2 root\(s\)/);
      // Not a terminal: one progress line per change, the last one complete.
      assert.match(r.err, /\[#{30}\] 15\/15 done \| 0 running \| 0 waiting \| FINISHED/);
      assert.match(r.out, /^tr FINISHED in [\d.]+s: 15 Drops, 15 done\n$/);
    });
    await t.step("submit --json --wait --compress answers one JSON document", async () => {
      const r = await dlg(["submit", FIXTURE, "-w", "--json", "--compress"], m);
      assert.equal(r.code, 0, r.err);
      const j = JSON.parse(r.out);
      assert.match(j.sessionId, /^translator_grpby_gather-\d{8}-\d{6}-\w{6}$/);
      assert.equal(j.state, "FINISHED");
      assert.equal(j.status, 4);
      assert.equal(j.completed, 2);
      assert.equal(j.drops.done, 15);
      await dlg(["delete", j.sessionId], m);
    });
    await t.step("submit without --wait prints the session id only", async () => {
      const graph = JSON.stringify([
        {
          oid: "a",
          categoryType: "Application",
          dropclass: "dlg.apps.simple.SleepApp",
          sleep_time: 60,
          outputs: ["b"],
        },
        { oid: "b", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
        {},
      ]);
      const r = await dlg(["submit", "-", "-s", "slow"], { ...m, stdin: graph });
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, "slow\n");
    });
    await t.step("Ctrl-C during submit --wait stops waiting and leaves the session", async () => {
      const graph = JSON.stringify([{
        oid: "z",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.SleepApp",
        sleep_time: 60,
      }]);
      const child = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", DLG, "submit", "-", "-s", "int", "-w", "--interval", "0.05"],
        env: { DLG_MANAGER: node.url },
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const w = child.stdin.getWriter();
      await w.write(new TextEncoder().encode(graph));
      await w.close();
      let err = "";
      const dec = new TextDecoder();
      const reader = child.stderr.getReader();
      while (!err.includes("RUNNING")) {
        const { value, done } = await reader.read();
        if (done) break;
        err += dec.decode(value);
      }
      child.kill("SIGINT");
      for (let r = await reader.read(); !r.done; r = await reader.read()) {
        err += dec.decode(r.value);
      }
      const { code } = await child.status;
      await child.stdout.cancel();
      assert.equal(code, 130, err);
      assert.match(err, /stopped waiting; session int keeps running \(dlg cancel int stops it\)/);
      assert.equal((await dlg(["status", "int"], m)).out, "int RUNNING\n");
      await dlg(["delete", "int"], m);
    });
    await t.step("sessions lists both, with their state", async () => {
      const r = await dlg(["sessions"], m);
      assert.equal(r.code, 0, r.err);
      assert.match(r.out, /^SESSION +STATE +DROPS\n/);
      assert.match(r.out, /\ntr +FINISHED +15\n/);
      assert.match(r.out, /\nslow +RUNNING +2\n/);
      const j = JSON.parse((await dlg(["sessions", "--json"], m)).out);
      assert.deepEqual(j.map((s: { sessionId: string }) => s.sessionId).sort(), ["slow", "tr"]);
    });
    await t.step("status and graph-status of a running session", async () => {
      assert.equal((await dlg(["status", "slow"], m)).out, "slow RUNNING\n");
      const j = JSON.parse((await dlg(["status", "slow", "--json"], m)).out);
      assert.deepEqual(j, { sessionId: "slow", status: 3, state: "RUNNING", raw: 3 });
      const g = await dlg(["graph-status", "slow"], m);
      assert.equal(g.out, "slow RUNNING: 2 Drops, 0 done, 1 running, 1 waiting\n");
      const raw = JSON.parse((await dlg(["graph-status", "slow", "-j"], m)).out);
      assert.deepEqual(raw, { a: { status: 0, execStatus: 1 }, b: { status: 0 } });
    });
    await t.step("cancel stops it; status says CANCELLED", async () => {
      const r = await dlg(["cancel", "slow"], m);
      assert.equal(r.code, 0, r.err);
      assert.equal(r.out, "slow cancelled\n");
      assert.equal((await dlg(["status", "slow"], m)).out, "slow CANCELLED\n");
    });
    await t.step("delete removes sessions; a second delete is one error line", async () => {
      assert.equal((await dlg(["delete", "slow"], m)).out, "slow deleted\n");
      assert.deepEqual(JSON.parse((await dlg(["delete", "tr", "--json"], m)).out), {
        sessionId: "tr",
        deleted: true,
      });
      const r = await dlg(["delete", "tr"], m);
      assert.equal(r.code, 1);
      oneLineError(r, /^dlg: NoSessionException: tr\n$/);
      assert.equal((await dlg(["sessions"], m)).err, "no sessions\n");
    });
    await t.step("submit --wait exits 1 when the session FAILED", async () => {
      const graph = JSON.stringify([{
        oid: "f",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: "exit 3",
        outputs: ["o"],
      }, { oid: "o", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" }]);
      const r = await dlg(["submit", "-", "--wait"], { ...m, stdin: graph });
      assert.equal(r.code, 1, r.err);
      assert.match(r.out, /FAILED in [\d.]+s: 2 Drops, 0 done, 2 error/);
    });
    await t.step("submit of a bad graph or an existing id is one error line", async () => {
      let r = await dlg(["submit", "-"], { ...m, stdin: "[{" });
      assert.equal(r.code, 1);
      oneLineError(r, /^dlg: stdin is not valid JSON/);
      r = await dlg(["submit", "-"], { ...m, stdin: '[{"oid": "x", "categoryType": "Data"}, 3]' });
      oneLineError(r, /^dlg: stdin: element #1 of the graph is not a JSON object/);
      r = await dlg(["submit", "-"], { ...m, stdin: '[{"oid": "x"}]' });
      assert.equal(r.code, 1);
      oneLineError(r, /^dlg: InvalidGraphException: Drop x has no categoryType/);
      r = await dlg(["submit", "/no/such/graph.json"], m);
      oneLineError(r, /^dlg: cannot read \/no\/such\/graph.json: No such file/);
      const before = (await dlg(["sessions", "-j"], m)).out;
      r = await dlg(["submit", FIXTURE, "-s", before.match(/"sessionId": "([^"]+)"/)![1]!], m);
      assert.equal(r.code, 1);
      oneLineError(r, /^dlg: SessionAlreadyExistsException: stdin-/);
      assert.equal((await dlg(["sessions", "-j"], m)).out, before);
    });
  } finally {
    await node.stop();
  }
});

/** A stand-in master whose session status is nested per island and node, as DALiuGE's. */
/** A master that only answers /status (from `statuses`, in turn) and graph/status. */
function fakeMaster(statuses: unknown[]) {
  let polls = 0;
  const ac = new AbortController();
  const json = (v: unknown) => Response.json(v);
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    async (req) => {
      const path = new URL(req.url).pathname;
      await req.arrayBuffer();
      if (req.method === "POST" && path === "/api/sessions") return json({ sessionId: "m" });
      if (req.method === "POST") return json({ Status: "Success" });
      if (path.endsWith("/graph/status")) return json({ a: { status: 2 }, b: { status: 0 } });
      if (path.endsWith("/status")) return json(statuses[Math.min(polls++, statuses.length - 1)]);
      // Like DALiuGE itself: no /events route (an HTML 404), so --wait polls.
      return new Response("<h1>Not Found</h1>", { status: 404 });
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    async close() {
      ac.abort();
      await server.finished;
    },
  };
}

Deno.test("dlg status folds a master's nested per-child status and shows each child", async () => {
  const m = fakeMaster([{ i1: { n1: 3, n2: 4 }, i2: { n3: 4 } }]);
  try {
    const r = await dlg(["status", "m"], { manager: m.url });
    assert.equal(r.code, 0, r.err);
    assert.equal(
      r.out,
      "m RUNNING\n  i1: RUNNING\n    n1: RUNNING\n    n2: FINISHED\n  i2: FINISHED\n    n3: FINISHED\n",
    );
  } finally {
    await m.close();
  }
});

Deno.test("dlg submit --wait at a composite tier ends when every child has ended", async () => {
  const graph = JSON.stringify([{ oid: "a", categoryType: "Data", consumers: ["b"] }, {
    oid: "b",
    categoryType: "Application",
  }]);
  const running = { i1: { n1: 3, n2: 4 } };
  for (
    const [last, code, state] of [
      [{ i1: { n1: 4, n2: 4 } }, 0, "FINISHED"],
      [{ i1: { n1: 4, n2: 6 } }, 1, "FAILED"],
    ] as const
  ) {
    const m = fakeMaster([running, running, last]);
    try {
      const r = await dlg(["submit", "-", "-s", "m", "-w", "--interval", "0.01"], {
        manager: m.url,
        stdin: graph,
      });
      assert.equal(r.code, code, r.err);
      assert.match(r.out, new RegExp(`^m ${state} in [\\d.]+s: 2 Drops, 1 done, 1 waiting\\n$`));
      assert.match(r.err, /1\/2 done \| 0 running \| 1 waiting \| RUNNING/);
    } finally {
      await m.close();
    }
  }
});

Deno.test("dlg submit --wait at a master runs the translator fixture across islands", async () => {
  const c = await startCluster([2, 1], ["--dlm-check-period", "0"]);
  const dir = await Deno.makeTempDir({ prefix: "dlg-cli-" });
  try {
    const nodes = c.nodes.flat().map((n) => n.hostPort);
    const islands = [0, 0, 1].map((i) => c.islands[i]!.hostPort);
    const graph = JSON.parse(await Deno.readTextFile(FIXTURE));
    graph.slice(0, -1).forEach((s: Record<string, unknown>, i: number) => {
      s.node = nodes[i % 3];
      s.island = islands[i % 3];
    });
    await Deno.writeTextFile(`${dir}/g.json`, JSON.stringify(graph));
    const m = { manager: c.master.url };
    const r = await dlg(["submit", `${dir}/g.json`, "-s", "m1", "-w", "--part-size", "0.02"], m);
    assert.equal(r.code, 0, r.err);
    assert.match(r.out, /^m1 FINISHED in [\d.]+s: 15 Drops, 15 done\n$/);
    const s = await dlg(["status", "m1"], m);
    const lines = s.out.trim().split("\n");
    assert.equal(lines[0], "m1 FINISHED");
    assert.equal(lines.length, 1 + 2 + 3); // 2 islands, 3 nodes
    assert.ok(lines.slice(1).every((l) => l.endsWith(": FINISHED")), s.out);
    assert.equal((await dlg(["graph-status", "m1"], m)).out, "m1 FINISHED: 15 Drops, 15 done\n");
    assert.equal((await dlg(["delete", "m1"], m)).out, "m1 deleted\n");
  } finally {
    await c.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
