/**
 * Real processes (DESIGN §8): a manager refuses to listen beyond loopback without a token unless
 * `--insecure`; with DLG_TOKEN or `--token-file` it requires the token, and DALiuGE's `--status`
 * / `--stop` send it.
 */
import assert from "node:assert/strict";
import { NodeManagerClient } from "../core/client/mod.ts";
import { waitFor } from "../core/testing/mod.ts";
import { startNode, startProc } from "./_util/procs.ts";

const cmd = (tier: string) => new URL(`../cmd/${tier}.ts`, import.meta.url).pathname;
const TOKEN = `tok-${crypto.randomUUID()}`;

async function run(tier: string, args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cmd(tier), ...args],
    env: { DLG_TOKEN: "", ...env },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("dlg-node and dlg-island refuse to listen on 0.0.0.0 without a token, naming the fix", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-tok-" });
  try {
    for (const tier of ["dlg-node", "dlg-island"]) {
      const r = await run(tier, ["-H", "0.0.0.0", "-P", "0", "-w", dir]);
      assert.equal(r.code, 2, `${tier}: ${r.stdout}${r.stderr}`);
      assert.equal(r.stdout, "");
      const lines = r.stderr.trim().split("\n");
      assert.equal(lines.length, 1, r.stderr);
      assert.match(
        lines[0]!,
        new RegExp(
          `^${tier}: refusing to listen on 0\\.0\\.0\\.0 without a token .*` +
            "give --token-file FILE or set DLG_TOKEN, or pass --insecure .*Python client",
        ),
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("dlg-node -H 0.0.0.0 --insecure starts, open to all, and says so", async () => {
  const node = await startNode(["-H", "0.0.0.0", "--insecure"]);
  try {
    assert.match(node.url, /^http:\/\/0\.0\.0\.0:\d+$/);
    const r = await fetch(`${node.url}/api/sessions`);
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), []);
    assert.match(node.output(), /dlg-node: no token \(--insecure\): anyone reaching port \d+/);
  } finally {
    await node.stop();
  }
});

Deno.test("a token from DLG_TOKEN or --token-file is required; --status and --stop send it", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-tok-" });
  const file = `${dir}/token`;
  await Deno.writeTextFile(file, `${TOKEN}\n`, { mode: 0o600 });
  const island = await startProc("cmd/dlg-island.ts", ["-H", "0.0.0.0"], {
    env: { DLG_TOKEN: TOKEN },
  });
  try {
    const port = new URL(island.url).port;
    const none = await fetch(`${island.url}/api`);
    assert.equal(none.status, 401);
    const body = await none.text();
    assert.equal(JSON.parse(body).type, "Unauthorized");
    const ok = await fetch(`${island.url}/api`, { headers: { authorization: `Bearer ${TOKEN}` } });
    assert.equal(ok.status, 200);
    await ok.body?.cancel();
    const at = ["-H", "127.0.0.1", "-P", port, "-T", "5"];
    assert.equal((await run("dlg-island", ["--status", ...at])).code, 1);
    assert.equal((await run("dlg-island", ["--status", ...at], { DLG_TOKEN: "wrong" })).code, 1);
    assert.equal((await run("dlg-island", ["--status", ...at], { DLG_TOKEN: TOKEN })).code, 0);
    assert.equal((await run("dlg-island", ["--status", "--token-file", file, ...at])).code, 0);
    assert.equal((await run("dlg-island", ["--stop", ...at])).code, 1);
    assert.equal((await run("dlg-island", ["--stop", "--token-file", file, ...at])).code, 0);
    assert.equal((await island.child.status).code, 0);
    assert.ok(!island.output().includes(TOKEN), "the token is never printed");
  } finally {
    await island.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("unreadable trust files are one line and exit 2; a bad certificate exits 1", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-tok-" });
  try {
    const missing = await run("dlg-node", ["-w", dir, "--token-file", `${dir}/none`]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^dlg-node: --token-file \S+\/none: No such file or directory\n/);
    await Deno.writeTextFile(`${dir}/empty`, "\n");
    const empty = await run("dlg-node", ["-w", dir, "--token-file", `${dir}/empty`]);
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /^dlg-node: --token-file \S+ is empty\n/);
    const half = await run("dlg-node", ["-w", dir, "--cert", `${dir}/empty`]);
    assert.equal(half.code, 2);
    assert.match(half.stderr, /--cert and --key go together/);
    await Deno.writeTextFile(`${dir}/bad.pem`, "not a certificate\n");
    const bad = await run("dlg-node", [
      "-w",
      dir,
      "-P",
      "0",
      "--cert",
      `${dir}/bad.pem`,
      "--key",
      `${dir}/bad.pem`,
    ]);
    assert.equal(bad.code, 1, bad.stderr);
    assert.equal(bad.stdout, "");
    assert.match(bad.stderr, /^dlg-node: cannot listen on 127\.0\.0\.1:0: .+\n$/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the shell apps a node runs do not inherit DLG_TOKEN", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-tok-" });
  const node = await startProc("cmd/dlg-node.ts", ["-w", dir], { env: { DLG_TOKEN: TOKEN } });
  const c = new NodeManagerClient(node.url, { token: TOKEN });
  try {
    await c.createSession("s");
    await c.appendGraph("s", [{
      oid: "P",
      categoryType: "Application",
      dropclass: "dlg.apps.bash_shell_app.BashShellApp",
      command: `printf '[%s]' "\${DLG_TOKEN:-none}" > seen`,
    }]);
    await c.deploySession("s", ["P"]);
    const seen = await waitFor(() => Deno.readTextFile(`${dir}/s/seen`).catch(() => ""));
    assert.equal(seen, "[none]");
  } finally {
    await node.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
