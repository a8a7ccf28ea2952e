import assert from "node:assert/strict";
import { parseNode, parseNodeList } from "./node_string.ts";

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
  assert.equal(parseNode("h:notaport").port, 8000, "a non-numeric port keeps the default");
  assert.equal(parseNode("http://127.0.0.1:1234/").key, "127.0.0.1:1234");
  assert.throws(() => parseNode(":8000"), TypeError);
  assert.deepEqual(parseNodeList(" a:1, b ,").map((n) => n.key), ["a:1", "b:8000"]);
});
