/**
 * Issue 12, items 5 and 6: values substituted into a bash command are one shell word each, and
 * session ids follow DESIGN §8 (1-200 UTF-8 bytes, no controls, no separators, not `.`/`..`).
 */
import assert from "node:assert/strict";
import { appSpec, file, withNode } from "./_util/inproc.ts";

const BASH = "dlg.apps.bash_shell_app.BashShellApp";

Deno.test("BashShellApp substitutes a hostile session id and paths as single shell words", async () => {
  await withNode(async (api) => {
    const sid = "x$(touch P)";
    const enc = encodeURIComponent(sid);
    const c = await api.post("/api/sessions", { sessionId: sid });
    assert.equal(c.status, 200, JSON.stringify(c.body));
    const a = await api.post(`/api/sessions/${enc}/graph/append`, [
      appSpec("A", BASH, {
        command: "echo one > %o0; echo two > %o[G]; echo three > {H}; cat %i0 > %o2",
        inputs: ["I"],
        outputs: ["F", "G", "H"],
      }),
      file("I", { filepath: "in'put $(touch P)" }),
      file("F", { filepath: "a;touch P;b" }),
      file("G", { filepath: "with space" }),
      file("H", { filepath: "`touch P`" }),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const dir = `${api.workDir}/${sid}`;
    await Deno.writeTextFile(`${dir}/in'put $(touch P)`, "input\n");
    const d = await api.post(`/api/sessions/${enc}/deploy`, { completed: ["I"] });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    assert.equal(await api.until(sid, [4, 6]), 4, "session FINISHED");
    assert.equal(await Deno.readTextFile(`${dir}/a;touch P;b`), "one\n");
    assert.equal(await Deno.readTextFile(`${dir}/with space`), "two\n");
    assert.equal(await Deno.readTextFile(`${dir}/\`touch P\``), "input\n");
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!names.includes("P"), `nothing ran touch: ${names.join(", ")}`);
    assert.ok(!names.includes("with") && !names.includes("b"), "no path was split");
  });
});

Deno.test("BashShellApp paths inside quotes in the command stay one word, with nothing run", async () => {
  await withNode(async (api) => {
    const sid = "q $(touch P) \"d\" `touch Q` 's'";
    const enc = encodeURIComponent(sid);
    assert.equal((await api.post("/api/sessions", { sessionId: sid })).status, 200);
    const a = await api.post(`/api/sessions/${enc}/graph/append`, [
      appSpec("A", BASH, {
        command: `cat "%i0" > "%o0"; cat '%i0' > '%o1'; echo "in: {I}" > "{G}"`,
        inputs: ["I"],
        outputs: ["F", "H", "G"],
      }),
      file("I", { filepath: "i $x" }),
      file("F", { filepath: 'f "$(touch P)"' }),
      file("H", { filepath: "h 'x' `touch Q`" }),
      file("G", { filepath: "g" }),
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const dir = `${api.workDir}/${sid}`;
    await Deno.writeTextFile(`${dir}/i $x`, "input\n");
    await api.post(`/api/sessions/${enc}/deploy`, { completed: ["I"] });
    assert.equal(await api.until(sid, [4, 6]), 4, "session FINISHED");
    assert.equal(await Deno.readTextFile(`${dir}/f "$(touch P)"`), "input\n");
    assert.equal(await Deno.readTextFile(`${dir}/h 'x' \`touch Q\``), "input\n");
    assert.equal(await Deno.readTextFile(`${dir}/g`), `in: ${dir}/i $x\n`);
    const names = [...Deno.readDirSync(dir)].map((e) => e.name);
    assert.ok(!names.includes("P") && !names.includes("Q"), `nothing ran: ${names.join(", ")}`);
  });
});

Deno.test("POST /api/sessions rejects ids with DEL, controls, separators, dots, lone surrogates or over 200 bytes", async () => {
  await withNode(async (api) => {
    const bad = [
      "",
      "a\x7fb",
      "a\x00b",
      "a\nb",
      "a\x9bb",
      "a/b",
      "a\\b",
      ".",
      "..",
      "x".repeat(201),
      "a\ud800b", // no UTF-8 form: no URL could reach the session
      "\udc00",
    ];
    bad.push("é".repeat(101)); // 202 UTF-8 bytes
    for (const sessionId of bad) {
      const r = await api.post("/api/sessions", { sessionId });
      assert.equal(r.status, 400, `${JSON.stringify(sessionId)}: ${JSON.stringify(r.body)}`);
      assert.equal((r.body as { type: string }).type, "DaliugeException");
    }
    assert.deepEqual((await api.get("/api/sessions")).body, []);
    for (const sessionId of ["x".repeat(200), "é".repeat(100), "a b.c-d_é", "...", "x$(y)"]) {
      const r = await api.post("/api/sessions", { sessionId });
      assert.equal(r.status, 200, `${JSON.stringify(sessionId)}: ${JSON.stringify(r.body)}`);
    }
  });
});
