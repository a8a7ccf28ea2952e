/**
 * Issue 12's real-process check: master -> island -> 2 nodes, every tier with the cluster token
 * (`--token-file`) and TLS (`--cert/--key`, a private CA made here with openssl, `--ca-file`),
 * children given as `https://` URLs. A cross-node graph runs to FINISHED through `dlg submit
 * --wait`, and every tier refuses the same calls without the token.
 */
import assert from "node:assert/strict";
import { type Proc, startNode, startProc } from "./_util/procs.ts";

const DLG = new URL("../cmd/dlg.ts", import.meta.url).pathname;
const TOKEN = `tok-${crypto.randomUUID()}`;

async function sh(cwd: string, args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) throw new Error(`openssl ${args[0]}: ${new TextDecoder().decode(out.stderr)}`);
}

/** A private CA and a certificate it signed for 127.0.0.1 and localhost, in `dir`. */
async function makeCerts(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  await sh(dir, [
    "req",
    "-x509",
    ...ec,
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=dlg-ts test CA",
  ]);
  await sh(dir, [
    "req",
    ...ec,
    "-keyout",
    "server.key",
    "-out",
    "server.csr",
    "-subj",
    "/CN=localhost",
  ]);
  await Deno.writeTextFile(
    `${dir}/ext.cnf`,
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n" +
      "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
  );
  await sh(dir, [
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "ext.cnf",
  ]);
  return { ca: `${dir}/ca.pem`, cert: `${dir}/server.pem`, key: `${dir}/server.key` };
}

async function dlg(args: string[], script = DLG) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, ...args],
    env: { DLG_TOKEN: "" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, out: dec.decode(out.stdout), err: dec.decode(out.stderr) };
}

Deno.test("master -> island -> 2 nodes with a token and TLS run a cross-node graph via dlg", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-tls-" });
  const procs: Proc[] = [];
  const httpClient = { current: undefined as Deno.HttpClient | undefined };
  try {
    const { ca, cert, key } = await makeCerts(dir);
    const tokenFile = `${dir}/token`;
    await Deno.writeTextFile(tokenFile, `${TOKEN}\n`, { mode: 0o600 });
    const trust = ["--token-file", tokenFile, "--cert", cert, "--key", key, "--ca-file", ca];
    const nodes = await Promise.all(
      [1, 2].map(() => startNode(["--dlm-check-period", "0", ...trust])),
    );
    procs.push(...nodes);
    for (const p of nodes) assert.match(p.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    const [n1, n2] = nodes.map((p) => p.url) as [string, string];
    const island = await startProc("cmd/dlg-island.ts", ["-N", `${n1},${n2}`, ...trust]);
    procs.push(island);
    const master = await startProc("cmd/dlg-master.ts", ["-N", island.url, ...trust]);
    procs.push(master);
    assert.match(master.url, /^https:\/\//);

    // A -> copy -> B crosses from n1 to n2: events and bytes go node to node over TLS.
    const mem = "dlg.data.drops.memory.InMemoryDROP";
    const at = (node: string) => ({ node, island: island.url });
    const graph = [
      { oid: "A", categoryType: "Data", dropclass: mem, pydata: "over tls", ...at(n1) },
      {
        oid: "copy",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        inputs: ["A"],
        outputs: ["B"],
        ...at(n2),
      },
      { oid: "B", categoryType: "Data", dropclass: mem, ...at(n2) },
    ];
    const file = `${dir}/graph.json`;
    await Deno.writeTextFile(file, JSON.stringify(graph));
    const via = ["-m", master.url, "--token-file", tokenFile, "--ca-file", ca, "-T", "30"];
    const r = await dlg(["submit", file, "--wait", "-s", "tls", ...via]);
    assert.equal(r.code, 0, `${r.out}\n${r.err}`);
    assert.match(r.out, /^tls FINISHED in [\d.]+s: 3 Drops, 3 done\n$/);

    // Without the token (or without trusting the CA) the CLI gets nowhere.
    const noToken = await dlg(["sessions", "-m", master.url, "--ca-file", ca]);
    assert.equal(noToken.code, 1);
    assert.match(noToken.err, /Unauthorized/);
    const noCa = await dlg(["sessions", "-m", master.url, "--token-file", tokenFile, "-T", "5"]);
    assert.equal(noCa.code, 1);
    assert.match(noCa.err, /Cannot reach https:/);

    // DALiuGE's --status speaks https with the tier's own flags.
    const masterCmd = new URL("../cmd/dlg-master.ts", import.meta.url).pathname;
    const status = ["--status", "-P", new URL(master.url).port, "-T", "10"];
    assert.equal((await dlg([...status, ...trust], masterCmd)).code, 0);
    assert.equal(
      (await dlg([...status, "--cert", cert, "--key", key, "--ca-file", ca], masterCmd)).code,
      1,
    );

    // Every tier refuses the same calls without the token, and answers them with it.
    httpClient.current = Deno.createHttpClient({ caCerts: [await Deno.readTextFile(ca)] });
    const client = httpClient.current;
    const calls = [
      "/api",
      "/api/sessions",
      "/api/sessions/tls/status",
      "/api/sessions/tls/graph/status",
    ];
    for (const p of [master, island, ...nodes]) {
      for (const path of calls) {
        const bad = await fetch(`${p.url}${path}`, { client });
        assert.equal(bad.status, 401, `${p.url}${path}`);
        assert.equal((await bad.json()).type, "Unauthorized");
        const good = await fetch(`${p.url}${path}`, {
          client,
          headers: { authorization: `Bearer ${TOKEN}` },
        });
        assert.equal(good.status, 200, `${p.url}${path}`);
        await good.body?.cancel();
      }
      const create = await fetch(`${p.url}/api/sessions`, {
        client,
        method: "POST",
        body: JSON.stringify({ sessionId: "intruder" }),
        headers: { "content-type": "application/json" },
      });
      assert.equal(create.status, 401);
      await create.body?.cancel();
      assert.ok(!p.output().includes(TOKEN), "the token is never printed");
    }
  } finally {
    httpClient.current?.close();
    for (const p of procs.reverse()) await p.stop();
    await Deno.remove(dir, { recursive: true });
  }
});
