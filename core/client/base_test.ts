import assert from "node:assert/strict";
import { createTransport, RestClient } from "./base.ts";

/** A server that answers every call with the Authorization header it got. */
function echoAuth(): { url: string; close(): Promise<void> } {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    return Response.json({ auth: req.headers.get("authorization") });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

Deno.test("RestClient option token: Authorization: Bearer on every call, over a transport's", async () => {
  const s = echoAuth();
  try {
    const plain = new RestClient(s.url);
    assert.deepEqual(await plain.request("GET", "/api"), { auth: null });
    const shared = { headers: { authorization: "Bearer shared" } };
    const viaTransport = new RestClient(s.url, { transport: shared });
    assert.deepEqual(await viaTransport.request("GET", "/api"), { auth: "Bearer shared" });
    const own = new RestClient(s.url, { token: "mine", transport: shared });
    assert.deepEqual(await own.request("POST", "/api/stop"), { auth: "Bearer mine" });
    own.close(); // nothing to release: no CA
  } finally {
    await s.close();
  }
});

Deno.test("caCerts / caFile make an HttpClient that close() releases", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-ca-" });
  try {
    // Any well-formed PEM certificate will do: nothing is called over TLS here.
    const pem = await new Deno.Command("openssl", {
      args: [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-keyout",
        `${dir}/k.pem`,
        "-subj",
        "/CN=t",
        "-days",
        "1",
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    const cert = new TextDecoder().decode(pem.stdout);
    assert.match(cert, /BEGIN CERTIFICATE/);
    await Deno.writeTextFile(`${dir}/ca.pem`, cert);
    const t = createTransport({ token: "x", caFile: `${dir}/ca.pem` });
    assert.ok(t.httpClient);
    assert.deepEqual(t.headers, { authorization: "Bearer x" });
    t.close();
    using c = new RestClient("https://127.0.0.1:1", { caCerts: [cert] });
    assert.equal(c.url, "https://127.0.0.1:1");
    assert.equal(createTransport({}).httpClient, undefined);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
