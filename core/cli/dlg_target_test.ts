import assert from "node:assert/strict";
import { managerUrl } from "./dlg_target.ts";

Deno.test("managerUrl takes host[:port] and http(s)://host[:port]", () => {
  assert.equal(managerUrl("h"), "http://h:8000");
  assert.equal(managerUrl("h:9000"), "http://h:9000");
  assert.equal(managerUrl(":7000"), "http://localhost:7000");
  assert.equal(managerUrl("http://h:1/"), "http://h:1");
  assert.equal(managerUrl("HTTPS://h:443"), "https://h:443");
  assert.equal(managerUrl("[::1]:7000"), "http://[::1]:7000");
  assert.equal(managerUrl("h:9000:5555:6666"), "http://h:9000", "DALiuGE's node strings too");
});

Deno.test("managerUrl rejects other schemes, paths and bad ports with a clear message", () => {
  assert.throws(() => managerUrl("ftp://h:21"), /"ftp" is not http or https/);
  assert.throws(() => managerUrl("http://h:8000/api"), /without a path/);
  assert.throws(() => managerUrl("h:8000/api"), /without a path/);
  assert.throws(() => managerUrl("h:abc"), /port "abc" is not 1\.\.65535/);
  assert.throws(() => managerUrl("http://h:1?x=1"), /without a path/);
});
