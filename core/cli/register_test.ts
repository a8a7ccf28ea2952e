import assert from "node:assert/strict";
import { advertised, announcerFromFlags } from "./register.ts";

Deno.test("advertised: -H host and bound port; hostname for 0.0.0.0; --advertise wins", () => {
  assert.equal(advertised({ host: "127.0.0.1", port: 8123, tls: false }), "127.0.0.1:8123");
  assert.equal(advertised({ host: "0.0.0.0", port: 1, tls: false }), `${Deno.hostname()}:1`);
  assert.equal(advertised({ host: "::", port: 2, tls: true }), `https://${Deno.hostname()}:2`);
  assert.equal(advertised({ advertise: "n1", host: "0.0.0.0", port: 5, tls: false }), "n1:5");
  assert.equal(advertised({ advertise: "n1:9", host: "h", port: 5, tls: false }), "n1:9");
  assert.equal(advertised({ advertise: "[::1]:9", host: "h", port: 5, tls: false }), "[::1]:9");
  assert.equal(advertised({ host: "::1", port: 7, tls: false }), "[::1]:7");
  assert.throws(() => advertised({ advertise: "a:b:c", host: "h", port: 1, tls: false }));
});

Deno.test("announcerFromFlags: none without --register; bad URLs and a lone --advertise refused", () => {
  const o = { kind: "node" as const, host: "127.0.0.1", tls: false, name: "dlg-node" };
  assert.equal(announcerFromFlags({}, o), undefined);
  assert.throws(() => announcerFromFlags({ advertise: "x" }, o), /--advertise needs --register/);
  assert.throws(() => announcerFromFlags({ register: "island:8001" }, o), /http\(s\):\/\//);
  assert.ok(announcerFromFlags({ register: "http://island:8001" }, o));
});
