import assert from "node:assert/strict";
import { baseUrl, parseNode, parseNodeList } from "./mod.ts";

Deno.test("parseNode fills DALiuGE's default ports and compares by host:port", () => {
  assert.deepEqual(parseNode("localhost"), {
    host: "localhost",
    port: 8000,
    name: "localhost:8000:5555:6666",
    key: "localhost:8000",
    url: "http://localhost:8000",
  });
  assert.equal(parseNode("h:9000:1:2").name, "h:9000:1:2");
  assert.equal(parseNode("h", 8001).key, "h:8001");
  assert.throws(() => parseNode("h:notaport"), /port "notaport" is not 1\.\.65535/);
  assert.throws(() => parseNode("h:0"), TypeError);
  assert.throws(() => parseNode("h:1:2:3:4"), /host\[:port/);
  assert.equal(parseNode("http://127.0.0.1:1234/").key, "127.0.0.1:1234");
  assert.throws(() => parseNode(":8000"), TypeError);
  assert.deepEqual(parseNodeList(" a:1, b ,").map((n) => n.key), ["a:1", "b:8000"]);
});

Deno.test("parseNode reads IPv6 hosts and keeps an https scheme in the URL", () => {
  const v6 = parseNode("[::1]:9000:1");
  assert.deepEqual([v6.host, v6.port, v6.name], ["[::1]", 9000, "[::1]:9000:1:6666"]);
  assert.equal(v6.url, "http://[::1]:9000");
  const tls = parseNode("https://node1:8443");
  assert.equal(tls.url, "https://node1:8443");
  assert.equal(tls.key, "node1:8443", "the scheme does not change what a child is compared by");
});

Deno.test("baseUrl keeps URLs as given and turns node strings into http://host:port", () => {
  assert.equal(baseUrl("http://h:1/prefix//", 8000), "http://h:1/prefix");
  assert.equal(baseUrl("https://h", 8000), "https://h");
  assert.equal(baseUrl("h", 8001), "http://h:8001");
  assert.equal(baseUrl("h:9000:5555:6666", 8000), "http://h:9000");
  assert.equal(baseUrl("", 8002), "http://localhost:8002");
  assert.equal(baseUrl(":7000", 8000), "http://localhost:7000");
  assert.equal(baseUrl("[::1]:7000", 8000), "http://[::1]:7000");
});
