/** DALiuGE's `dlg nm|dim|mm` flags (reference §6.5) on real dlg-node and dlg-island processes. */
import assert from "node:assert/strict";
import { waitFor } from "../core/testing/mod.ts";
import { startNode, startProc } from "./_util/procs.ts";

const cmd = (tier: string) => new URL(`../cmd/${tier}.ts`, import.meta.url).pathname;

async function run(tier: string, args: string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", cmd(tier), ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
}

/** A port nothing listens on (bound, then released). */
function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

Deno.test("dlg-node --status exits 0 when a manager answers at HOST:PORT, 1 when none does", async () => {
  const node = await startNode();
  try {
    const port = new URL(node.url).port;
    assert.equal((await run("dlg-node", ["--status", "-H", "127.0.0.1", "-P", port])).code, 0);
    const none = await run("dlg-node", ["--status", "-P", String(freePort()), "-T", "2"]);
    assert.equal(none.code, 1);
  } finally {
    await node.stop();
  }
});

Deno.test("dlg-island -s stops the island at HOST:PORT, which exits 0", async () => {
  const island = await startProc("cmd/dlg-island.ts", ["-P", "0"]);
  try {
    const port = new URL(island.url).port;
    assert.equal((await run("dlg-island", ["-s", "-P", port])).code, 0);
    assert.equal((await island.child.status).code, 0);
  } finally {
    await island.stop();
  }
});

Deno.test("dlg-node serves with DALiuGE's flags, -v included, and names each one it ignores", async () => {
  const node = await startNode(["-v", "-v", "-I", "--rpc_port", "6666", "--no-dlm", "-p"]);
  try {
    const r = await fetch(`${node.url}/api`);
    assert.equal(r.status, 200);
    await r.body?.cancel();
    // stderr is read apart from stdout: it may trail the listening line.
    const out = await waitFor(() => {
      const text = node.output();
      return /--processes ignored/.test(text) && /GET \/api -> 200/.test(text) && text;
    }, { timeout: 5000 });
    for (const flag of ["--no-log-ids", "--rpc_port", "--processes"]) {
      assert.match(out, new RegExp(`dlg-node: ${flag} ignored \\(`));
    }
    assert.doesNotMatch(out, /--no-dlm ignored|--verbose ignored/);
    // -v -v: every request is logged (at debug).
    assert.match(out, /\[DEBUG\] dlg·node·http: GET \/api -> 200/);
  } finally {
    await node.stop();
  }
});

Deno.test("dlg-node -d is refused with a reason and exit 2; a bad -T too", async () => {
  const daemon = await run("dlg-node", ["-d", "-P", "0"]);
  assert.equal(daemon.code, 2);
  assert.match(daemon.stderr.split("\n")[0]!, /^dlg-node: --daemon is not supported/);
  const timeout = await run("dlg-master", ["--status", "-T", "soon"]);
  assert.equal(timeout.code, 2);
  assert.match(timeout.stderr.split("\n")[0]!, /^dlg-master: --timeout must be a number/);
});
