/**
 * Issue 12 at the REST boundary: cross-site requests (item 1), compression bombs (item 3) and
 * broken framing (item 8). Each case changes nothing and leaves the manager serving.
 */
import assert from "node:assert/strict";
import { NodeManager } from "../core/manager/mod.ts";
import { createApp } from "../core/rest/mod.ts";
import { parseCommon } from "../core/cli/serve.ts";
import { appSpec, replyOf } from "./_util/inproc.ts";

const MB = 1024 * 1024;
const EVIL = "https://evil.example";
const BASH = "dlg.apps.bash_shell_app.BashShellApp";

async function withApp(
  fn: (app: ReturnType<typeof createApp>, nm: NodeManager, dir: string) => Promise<void>,
  opts: { allowOrigins?: string[]; maxInflatedSize?: number; loopbackOnly?: boolean } = {},
): Promise<void> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-trust-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  try {
    await fn(createApp(nm, { maxRequestSize: 2 * MB, ...opts }), nm, workDir);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}

function forbidden(r: { status: number; body: unknown }, origin = EVIL): void {
  assert.equal(r.status, 403, JSON.stringify(r.body));
  const err = r.body as { type: string; args: string[] };
  assert.equal(err.type, "Forbidden");
  assert.match(
    err.args[0]!,
    new RegExp(`^origin ${origin} is not allowed: .*\\(--allow-origin\\)$`),
  );
}

Deno.test("cross-site simple requests (create, append a shell app, form deploy) get 403 and change nothing", async () => {
  await withApp(async (app, _nm, dir) => {
    const post = async (path: string, body: string, type: string, origin?: string) =>
      replyOf(
        await app.request(path, {
          method: "POST",
          body,
          headers: { "content-type": type, ...(origin ? { origin } : {}) },
        }),
      );
    forbidden(await post("/api/sessions", '{"sessionId": "evil"}', "text/plain", EVIL));
    assert.deepEqual((await replyOf(await app.request("/api/sessions"))).body, []);

    assert.equal((await post("/api/sessions", '{"sessionId": "s"}', "text/plain")).status, 200);
    const pwn = JSON.stringify([appSpec("X", BASH, { command: "touch PWNED" })]);
    forbidden(await post("/api/sessions/s/graph/append", pwn, "text/plain", EVIL));
    assert.equal((await replyOf(await app.request("/api/sessions/s/graph/size"))).body, 0);

    // A shell app appended by a legitimate client; a foreign page tries to deploy it.
    const ok = JSON.stringify([appSpec("A", BASH, { command: "touch RAN" })]);
    assert.equal((await post("/api/sessions/s/graph/append", ok, "text/plain")).status, 200);
    const form = "application/x-www-form-urlencoded";
    forbidden(await post("/api/sessions/s/deploy", "completed=A", form, EVIL));
    // An Origin that differs from ours only by scheme is foreign too.
    const https = "https://localhost";
    forbidden(await post("/api/sessions/s/deploy", "completed=A", form, https), https);
    assert.equal((await replyOf(await app.request("/api/sessions/s/status"))).body, 1);
    await new Promise((r) => setTimeout(r, 100));
    const files = [...Deno.readDirSync(`${dir}/s`)].map((e) => e.name);
    assert.ok(!files.includes("RAN") && !files.includes("PWNED"), files.join(", "));
    const del = await app.request("/api/sessions/s", {
      method: "DELETE",
      headers: { origin: EVIL },
    });
    forbidden(await replyOf(del));
  });
});

Deno.test("allowed origins: own, DALiuGE's client, --allow-origin; CORS headers only for them", async () => {
  const eagle = "https://eagle.example:8443";
  await withApp(async (app) => {
    const create = async (sessionId: string, origin: string) => {
      const r = await app.request("http://localhost:8000/api/sessions", {
        method: "POST",
        body: JSON.stringify({ sessionId }),
        headers: { "content-type": "application/json", origin, host: "localhost:8000" },
      });
      return { ...(await replyOf(r)), acao: r.headers.get("access-control-allow-origin") };
    };
    for (
      const [sid, origin] of [["own", "http://localhost:8000"], ["py", "http://dlg-tm.localhost"], [
        "eagle",
        eagle,
      ]]
    ) {
      const r = await create(sid!, origin!);
      assert.equal(r.status, 200, `${origin}: ${JSON.stringify(r.body)}`);
      assert.equal(r.acao, origin);
    }
    forbidden(await create("x", "http://localhost:8001"), "http://localhost:8001");
    forbidden(await create("x", "null"), "null");
    // Reads from a foreign page are answered, but without CORS headers the browser hides them.
    const get = await app.request("/api/sessions", { headers: { origin: EVIL } });
    assert.equal(get.status, 200);
    assert.equal(get.headers.get("access-control-allow-origin"), null);
    assert.equal(get.headers.get("access-control-allow-credentials"), null);
    await get.body?.cancel();
    const pre = await app.request("/api/sessions", {
      method: "OPTIONS",
      headers: { origin: EVIL, "access-control-request-method": "POST" },
    });
    assert.equal(pre.headers.get("access-control-allow-origin"), null);
    await pre.body?.cancel();
    // OPTIONS gets DALiuGE's `{}`, and from an allowed origin a CORS preflight's answer.
    for (const path of ["/api/sessions", "/api/sessions/own/graph/append"]) {
      for (const origin of [undefined, EVIL]) {
        const r = await app.request(path, { method: "OPTIONS", headers: origin ? { origin } : {} });
        assert.deepEqual([r.status, await r.json()], [200, {}], `${path} from ${origin}`);
        assert.equal(r.headers.get("access-control-allow-origin"), null);
      }
      const ok = await app.request(path, { method: "OPTIONS", headers: { origin: eagle } });
      assert.equal(ok.status, 204);
      assert.equal(ok.headers.get("access-control-allow-origin"), eagle);
      await ok.body?.cancel();
    }
    const sessions = (await replyOf(await app.request("/api/sessions"))).body as {
      sessionId: string;
    }[];
    assert.deepEqual(sessions.map((s) => s.sessionId).sort(), ["eagle", "own", "py"]);
  }, { allowOrigins: [eagle] });
});

/** A zlib body that inflates to `gib` GiB of zeros. */
async function bomb(gib: number): Promise<Uint8Array> {
  const zeros = new Uint8Array(16 * MB);
  const cs = new CompressionStream("deflate");
  const w = cs.writable.getWriter();
  const writing = (async () => {
    for (let i = 0; i < 64 * gib; i++) await w.write(zeros);
    await w.close();
  })();
  const out = new Uint8Array(await new Response(cs.readable).arrayBuffer());
  await writing;
  return out;
}

Deno.test("graph/append stops inflating a compression bomb at --max-inflated-size (413, memory near the limit)", async () => {
  const body = await bomb(1);
  await withApp(async (app) => {
    await app.request("/api/sessions", { method: "POST", body: '{"sessionId": "s"}' });
    const rss = Deno.memoryUsage().rss;
    const t0 = performance.now();
    const r = await replyOf(
      await app.request("/api/sessions/s/graph/append", {
        method: "POST",
        body: body as Uint8Array<ArrayBuffer>,
        headers: { "content-type": "application/json", "content-encoding": "gzip" },
      }),
    );
    const ms = performance.now() - t0;
    const grown = (Deno.memoryUsage().rss - rss) / MB;
    assert.equal(r.status, 413, JSON.stringify(r.body));
    assert.match((r.body as { args: string[] }).args[0]!, /16777216 bytes \(--max-inflated-size\)/);
    // Inflating all of it took ~30 s and held 1 GiB; stopping at the limit takes well under that.
    assert.ok(ms < 8000, `took ${ms} ms`);
    assert.ok(grown < 400, `RSS grew by ${grown} MB`);
    assert.equal((await replyOf(await app.request("/api/sessions/s/graph/size"))).body, 0);
  }, { maxInflatedSize: 16 * MB });
});

/** Send `request` on a raw TCP connection, close our side, return the status line and body. */
async function rawRequest(port: number, request: string): Promise<[string, string]> {
  const conn = await Deno.connect({ port });
  try {
    await conn.write(new TextEncoder().encode(request));
    await conn.closeWrite();
    const text = new TextDecoder().decode(await new Response(conn.readable).arrayBuffer());
    const [head = "", body = ""] = text.split("\r\n\r\n");
    return [head.split("\r\n")[0]!, body];
  } catch (e) {
    conn.close();
    throw e;
  }
}

Deno.test("a body shorter than its Content-Length or a truncated chunked body is 400 JSON, not 555", async () => {
  await withApp(async (app) => {
    await using server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
    const port = server.addr.port;
    const head = (path: string, extra: string) =>
      `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n` +
      `Connection: close\r\n${extra}\r\n`;
    const cases = [
      head("/api/sessions", "Content-Length: 100\r\n") + '{"sessionId": "a"}',
      head("/api/sessions", "Transfer-Encoding: chunked\r\n") + '5\r\n{"ses\r\n40\r\nsionId',
      head("/api/sessions/s/graph/append", "Content-Length: 500\r\n") + "[{",
      head("/api/sessions/s/graph/append", "Transfer-Encoding: chunked\r\n") + "2\r\n[{\r\n",
      head("/api/sessions/s/deploy", "Content-Length: 50\r\n") + "completed=A",
      // Bodies this large are read a chunk at a time, not in one go: the same answer.
      head("/api/sessions/s/graph/append", "Content-Length: 200000\r\n") +
      `[${" ".repeat(70_000)}{`,
      head("/api/sessions", "Content-Length: 300000\r\n") + `{${" ".repeat(100_000)}`,
    ];
    await app.request("/api/sessions", { method: "POST", body: '{"sessionId": "s"}' });
    for (const req of cases) {
      const [status, body] = await rawRequest(port, req);
      assert.match(status, /^HTTP\/1.1 400/, `${req}\n-> ${status} ${body}`);
      const err = JSON.parse(body) as { type: string; args: string[] };
      assert.equal(err.type, "DaliugeException");
      assert.match(err.args[0]!, /incomplete or badly framed/);
    }
    const sessions = (await replyOf(await app.request("/api/sessions"))).body as unknown[];
    assert.equal(sessions.length, 1);
    assert.equal((await replyOf(await app.request("/api/sessions/s/status"))).body, 0);
  });
});

Deno.test("--max-inflated-size defaults to 16 times -m; --allow-origin is repeatable", () => {
  const parse = (args: string[]) =>
    parseCommon(args, { name: "t", defaultPort: 0, extra: {} }).config;
  assert.equal(parse(["-m", "2"]).maxInflatedSize, 32 * MB);
  assert.equal(parse([]).maxInflatedSize, 160 * MB);
  assert.equal(parse(["--max-inflated-size", "5"]).maxInflatedSize, 5 * MB);
  const o = parse(["--allow-origin", "https://a.example", "--allow-origin", "http://b:81"]);
  assert.deepEqual(o.allowOrigins, ["https://a.example", "http://b:81"]);
  assert.throws(() => parse(["--allow-origin", "a.example"]), /http\(s\) origin/);
  assert.throws(() => parse(["--max-inflated-size", "0"]), /max-inflated-size/);
});

Deno.test("a loopback manager refuses requests naming another host (DNS rebinding), reads too", async () => {
  await withApp(async (app, nm) => {
    const evil = "http://evil.example:8000";
    const made = await app.request(`${evil}/api/sessions`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: evil },
      body: JSON.stringify({ sessionId: "rebound" }),
    });
    assert.equal(made.status, 403);
    assert.equal(made.headers.get("access-control-allow-origin"), null);
    const body = await made.json() as { type: string; args: string[] };
    assert.equal(body.type, "Forbidden");
    assert.match(body.args[0]!, /Host evil\.example:8000 is not this manager's/);
    assert.deepEqual(nm.sessions(), []);
    const read = await app.request(`${evil}/api/sessions`);
    assert.equal(read.status, 403);
    await read.body?.cancel();
    // Its own loopback names still work, its own origin included.
    for (const own of ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"]) {
      const r = await app.request(`${own}/api/sessions`, {
        method: "POST",
        headers: { "content-type": "application/json", origin: own },
        body: JSON.stringify({ sessionId: `s${nm.sessions().length}` }),
      });
      assert.equal(r.status, 200, `${own}: ${await r.text()}`);
    }
  }, { loopbackOnly: true });
});
