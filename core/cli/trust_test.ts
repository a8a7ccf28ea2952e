import assert from "node:assert/strict";
import { exposureRefusal, isLoopback, readToken, readTrust } from "./trust.ts";

Deno.test("isLoopback: 127.0.0.0/8, ::1 and localhost only", () => {
  for (const h of ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"]) {
    assert.ok(isLoopback(h), h);
  }
  for (const h of ["0.0.0.0", "::", "10.0.0.1", "128.0.0.1", "127.0.0.256", "example.org"]) {
    assert.ok(!isLoopback(h), h);
  }
});

Deno.test("exposureRefusal names the fix, and lets loopback, a token or --insecure through", () => {
  const none = { insecure: false, caCerts: [] };
  const line = exposureRefusal("dlg-node", "0.0.0.0", none) ?? "";
  assert.match(line, /^dlg-node: refusing to listen on 0\.0\.0\.0 without a token/);
  assert.match(line, /--token-file FILE or set DLG_TOKEN, or pass --insecure/);
  assert.match(line, /DALiuGE's Python client/);
  assert.ok(!line.includes("\n"));
  assert.equal(exposureRefusal("n", "127.0.0.1", none), undefined);
  assert.equal(exposureRefusal("n", "0.0.0.0", { ...none, token: "t" }), undefined);
  assert.equal(exposureRefusal("n", "0.0.0.0", { ...none, insecure: true }), undefined);
});

Deno.test("readToken: the file's first line, else DLG_TOKEN; empty or unprintable is refused", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-trust-" });
  try {
    const file = `${dir}/token`;
    await Deno.writeTextFile(file, "  s3cret\nsecond line\n");
    assert.equal(readToken(file, "from-env"), "s3cret");
    assert.equal(readToken(undefined, " env-token \n"), "env-token");
    assert.equal(readToken(undefined, ""), undefined);
    await Deno.writeTextFile(file, "\n");
    assert.throws(() => readToken(file), /--token-file .* is empty/);
    assert.throws(() => readToken(undefined, "two words"), /printable ASCII without spaces/);
    assert.throws(() => readToken(`${dir}/missing`), /--token-file .*missing: No such file/);
    // A bad token is never echoed.
    assert.throws(
      () => readToken(undefined, "sécret"),
      (e: Error) => !e.message.includes("sécret"),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("readTrust: --cert and --key go together; files are read", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-trust-" });
  try {
    await Deno.writeTextFile(`${dir}/c.pem`, "CERT");
    await Deno.writeTextFile(`${dir}/k.pem`, "KEY");
    assert.throws(() => readTrust({ cert: `${dir}/c.pem` }), /--cert and --key go together/);
    const t = readTrust({ cert: `${dir}/c.pem`, key: `${dir}/k.pem`, "ca-file": `${dir}/c.pem` });
    assert.deepEqual(t.tls, { cert: "CERT", key: "KEY" });
    assert.deepEqual(t.caCerts, ["CERT"]);
    assert.equal(t.insecure, false);
    assert.throws(() => readTrust({ "ca-file": `${dir}/nope` }), /--ca-file .*nope/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
