/** A real dlg-node process on an ephemeral port, driven over HTTP. */
import assert from "node:assert/strict";
import { NodeManagerClient } from "../core/client/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { startNode } from "./_util/procs.ts";

const BASH = "dlg.apps.bash_shell_app.BashShellApp";

/** True once no process has this pid. */
function gone(pid: number): boolean {
  try {
    Deno.kill(pid, "SIGCONT");
    return false;
  } catch {
    return true;
  }
}

function chain(prefix = "") {
  return [
    {
      oid: `${prefix}hello`,
      categoryType: "Application",
      dropclass: "dlg.apps.simple.HelloWorldApp",
      greet: "dlg-ts",
      outputs: [`${prefix}greeting`],
    },
    {
      oid: `${prefix}greeting`,
      categoryType: "Data",
      dropclass: "dlg.data.drops.file.FileDROP",
      filepath: "greeting.txt",
      consumers: [`${prefix}wc`],
    },
    {
      oid: `${prefix}wc`,
      categoryType: "Application",
      dropclass: BASH,
      command: `wc -c < {${prefix}greeting} > {${prefix}count}`,
      outputs: [`${prefix}count`],
    },
    {
      oid: `${prefix}count`,
      categoryType: "Data",
      dropclass: "dlg.data.drops.file.FileDROP",
      filepath: "count.txt",
    },
    {},
  ];
}

Deno.test("dlg-node runs HelloWorld -> FileDROP -> BashShellApp wc -> FileDROP", async () => {
  const node = await startNode();
  try {
    const c = new NodeManagerClient(node.url);
    await c.createSession("s1");
    await c.appendGraph("s1", chain());
    await c.deploySession("s1", ["hello"]);
    await waitFor(async () => (await c.sessionStatus("s1")) === 4);
    const dir = `${node.workDir}/s1`;
    assert.equal(await Deno.readTextFile(`${dir}/greeting.txt`), "Hello dlg-ts");
    assert.equal((await Deno.readTextFile(`${dir}/count.txt`)).trim(), "12");
    const st = await c.graphStatus("s1");
    assert.deepEqual(st.wc, { status: 2, execStatus: 2 });
  } finally {
    await node.stop();
  }
});

Deno.test("dlg-node answers 200 with Content-Length, and errors as JSON", async () => {
  const node = await startNode();
  try {
    const r = await fetch(`${node.url}/api/sessions`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get("content-length"), "2");
    assert.equal(await r.text(), "[]");
    const e = await fetch(`${node.url}/api/sessions/x/status`);
    assert.equal(e.status, 404);
    assert.match(e.headers.get("content-type") ?? "", /application\/json/);
    assert.deepEqual(await e.json(), { type: "NoSessionException", args: ["x"] });
    // A chunked append (no Content-Length), as the Python client sends it.
    await fetch(`${node.url}/api/sessions`, {
      method: "POST",
      body: JSON.stringify({ sessionId: "c" }),
      headers: { "content-type": "application/json" },
    }).then((x) => x.body?.cancel());
    const body = new Blob([JSON.stringify(chain())]).stream();
    const a = await fetch(`${node.url}/api/sessions/c/graph/append`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", origin: "http://dlg-tm.localhost" },
    });
    assert.equal(a.status, 200);
    assert.ok(a.headers.get("content-length"));
    assert.deepEqual(await a.json(), { Status: "Success" });
    const size = await fetch(`${node.url}/api/sessions/c/graph/size`);
    assert.equal(await size.text(), "4");
  } finally {
    await node.stop();
  }
});

Deno.test("cancel of a running SleepApp graph reaches CANCELLED within 2 s", async () => {
  const node = await startNode();
  try {
    const c = new NodeManagerClient(node.url);
    await c.createSession("s");
    await c.appendGraph("s", [
      {
        oid: "S",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.SleepApp",
        sleep_time: 60,
        outputs: ["D"],
      },
      {
        oid: "D",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        consumers: ["B"],
      },
      {
        oid: "B",
        categoryType: "Application",
        dropclass: BASH,
        command: "sleep 60",
        outputs: ["E"],
      },
      { oid: "E", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
      {
        oid: "P",
        categoryType: "Application",
        dropclass: BASH,
        command: "echo $$ > pid; exec sleep 60",
      },
    ]);
    await c.deploySession("s", ["S", "P"]);
    await waitFor(() => Deno.readTextFile(`${node.workDir}/s/pid`).then((t) => t.trim(), () => ""));
    const pid = Number((await Deno.readTextFile(`${node.workDir}/s/pid`)).trim());
    const t0 = Date.now();
    await c.cancelSession("s");
    await waitFor(async () => (await c.sessionStatus("s")) === 5, { timeout: 2000 });
    assert.ok(Date.now() - t0 < 2000);
    const st = await c.graphStatus("s");
    assert.deepEqual(st.S, { status: 6, execStatus: 4 });
    assert.deepEqual(st.P, { status: 6, execStatus: 4 });
    assert.equal(st.D!.status, 6);
    // The shell app's process was killed with its group.
    await waitFor(() => gone(pid), { timeout: 3000 });
    // Cancelling again is harmless.
    await c.cancelSession("s");
  } finally {
    await node.stop();
  }
});

Deno.test("two sessions of the same graph run at once, isolated", async () => {
  const node = await startNode();
  try {
    const c = new NodeManagerClient(node.url);
    const g = chain();
    await Promise.all(["a", "b"].map((s) => c.createSession(s)));
    await Promise.all(["a", "b"].map((s) => c.appendGraph(s, g)));
    await Promise.all(["a", "b"].map((s) => c.deploySession(s, ["hello"])));
    await waitFor(async () =>
      (await c.sessionStatus("a")) === 4 && (await c.sessionStatus("b")) === 4
    );
    for (const s of ["a", "b"]) {
      assert.equal((await Deno.readTextFile(`${node.workDir}/${s}/count.txt`)).trim(), "12");
    }
    await c.destroySession("a");
    assert.equal(await c.sessionStatus("b"), 4);
    assert.deepEqual((await c.sessions()).map((s) => s.sessionId), ["b"]);
  } finally {
    await node.stop();
  }
});

Deno.test("dlg-node exits 0 on SIGTERM and kills the shell apps it runs", async () => {
  const node = await startNode();
  let stopped = false;
  try {
    const c = new NodeManagerClient(node.url);
    await c.createSession("s");
    await c.appendGraph("s", [
      {
        oid: "P",
        categoryType: "Application",
        dropclass: BASH,
        command: "echo $$ > pid; exec sleep 60",
      },
    ]);
    await c.deploySession("s", ["P"]);
    await waitFor(() => Deno.readTextFile(`${node.workDir}/s/pid`).then((t) => t.trim(), () => ""));
    const pid = Number((await Deno.readTextFile(`${node.workDir}/s/pid`)).trim());
    const status = await node.stop("SIGTERM");
    stopped = true;
    assert.equal(status.code, 0);
    await waitFor(() => gone(pid), { timeout: 3000 });
  } finally {
    if (!stopped) await node.stop();
  }
});

Deno.test("POST /api/stop answers, then dlg-node exits 0", async () => {
  const node = await startNode();
  const r = await fetch(`${node.url}/api/stop`, { method: "POST" });
  assert.deepEqual(await r.json(), { Status: "Success" });
  const s = await node.child.status;
  assert.equal(s.code, 0);
  await node.stop();
});

Deno.test("dlg-node rejects a bad flag with one line and the usage, exit 2", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../cmd/dlg-node.ts", import.meta.url).pathname, "--port", "abc"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(out.code, 2);
  const err = new TextDecoder().decode(out.stderr);
  assert.match(err.split("\n")[0]!, /^dlg-node: --port must be/);
  assert.match(new TextDecoder().decode(out.stdout), /Usage: dlg-node/);
  const unknown = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../cmd/dlg-node.ts", import.meta.url).pathname, "--bogus"],
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(unknown.code, 2);
});

Deno.test("dlg-node --help prints the usage and exits 0", async () => {
  const p = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../cmd/dlg-node.ts", import.meta.url).pathname, "-h"],
    stdout: "piped",
  }).output();
  assert.equal(p.code, 0);
  assert.match(new TextDecoder().decode(p.stdout), /--max-request-size/);
});
