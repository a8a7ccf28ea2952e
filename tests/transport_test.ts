/**
 * Every call from one tier to another goes through one `Transport`: its headers and its
 * `Deno.HttpClient`. The peer's host does not resolve, so a call that bypassed the transport
 * (whose HttpClient proxies everything to a recording server here) would fail.
 */
import assert from "node:assert/strict";
import { runAction } from "../core/cli/daliuge_flags.ts";
import { NodeManagerClient, type Transport } from "../core/client/mod.ts";
import { MemoryStore } from "../core/drops/mod.ts";
import { CompositeManager } from "../core/manager/mod.ts";
import { EventSender, fetchDrop, pushDrop } from "../core/rpc/mod.ts";

const PEER_HOST = "dlg-peer.invalid:8123";
const PEER = `http://${PEER_HOST}`;

Deno.test("one Transport carries client calls, children, events, Drop bytes and --status", async () => {
  const seen: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const u = new URL(req.url);
    const body = new Uint8Array(await req.arrayBuffer());
    seen.push(`${req.method} ${u.host}${u.pathname} ${req.headers.get("authorization")}`);
    if (u.pathname.endsWith("/data") && req.method === "GET") return new Response("bytes");
    if (u.pathname.endsWith("/data")) assert.equal(new TextDecoder().decode(body), "pushed");
    if (u.pathname === "/api/sessions") {
      return Response.json(req.method === "GET" ? [] : { sessionId: "s" });
    }
    return Response.json({ Status: "Success" });
  });
  const httpClient = Deno.createHttpClient({
    proxy: { url: `http://127.0.0.1:${server.addr.port}` },
  });
  const transport: Transport = { headers: { authorization: "Bearer t" }, httpClient };
  const cm = new CompositeManager({
    attr: "node",
    children: [PEER_HOST],
    checkPeriod: 0,
    transport,
  });
  const sender = new EventSender({ transport });
  try {
    await new NodeManagerClient(PEER, { transport }).cancelSession("s 1");
    await cm.createSession("s");
    await cm.sessions();
    sender.send(PEER, "s", { type: "dropCompleted", uid: "A", status: 2, size: 0 });
    await sender.drain();
    const ids = { sessionId: "s", uid: "A" };
    const chunks: Uint8Array[] = [];
    assert.equal(await fetchDrop(PEER, ids, (c) => chunks.push(c), { transport }), 5);
    await pushDrop(PEER, ids, new MemoryStore(0, new TextEncoder().encode("pushed")), {
      transport,
    });
    assert.equal(await runAction("status", PEER, 5, { transport }), 0);
    assert.equal(await runAction("stop", PEER, 5, { transport }), 0);
  } finally {
    await sender.stop();
    await cm.stop();
    httpClient.close();
    await server.shutdown();
  }
  const t = `${PEER_HOST}/api`;
  assert.deepEqual(seen, [
    `POST ${t}/sessions/s%201/cancel Bearer t`,
    `POST ${t}/sessions Bearer t`,
    `GET ${t}/sessions Bearer t`,
    `POST ${t}/sessions/s/events Bearer t`,
    `GET ${t}/sessions/s/drops/A/data Bearer t`,
    `POST ${t}/sessions/s/drops/A/data Bearer t`,
    `GET ${t} Bearer t`,
    `POST ${t}/stop Bearer t`,
  ]);
});

Deno.test("only RestClient calls fetch in core", async () => {
  const callers: string[] = [];
  const core = new URL("../core/", import.meta.url);
  const walk = async (dir: URL) => {
    for await (const e of Deno.readDir(dir)) {
      // core/ui holds browser code (served to the page as text), not calls this process makes.
      if (e.isDirectory && e.name === "ui" && dir.href === core.href) continue;
      if (e.isDirectory) await walk(new URL(`${e.name}/`, dir));
      else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) {
        const text = await Deno.readTextFile(new URL(e.name, dir));
        if (/(^|[^\w.])fetch\(/m.test(text)) callers.push(new URL(e.name, dir).pathname);
      }
    }
  };
  await walk(core);
  assert.deepEqual(callers.map((p) => p.slice(core.pathname.length)), ["client/base.ts"]);
});
