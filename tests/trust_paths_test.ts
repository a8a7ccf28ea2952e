/**
 * Issue 12, item 7: a symlink inside the session directory does not let a FileDROP read or write
 * outside it, whether it is there at append or swapped in before the file is opened.
 */
import assert from "node:assert/strict";
import { appSpec, file, mem, withNode } from "./_util/inproc.ts";

const FAILED = 6;

function exists(path: string): Promise<boolean> {
  return Deno.lstat(path).then(() => true, () => false);
}

Deno.test("graph/append resolves symlinks before checking that a file Drop stays in the session", async () => {
  const outside = await Deno.makeTempDir({ prefix: "dlg-outside-" });
  try {
    await withNode(async (api) => {
      await api.session("s");
      const dir = `${api.workDir}/s`;
      await Deno.symlink(outside, `${dir}/out`);
      await Deno.symlink(`${outside}/secret`, `${dir}/secret`);
      await Deno.symlink("../../..", `${dir}/up`);
      for (const filepath of ["out/x", "secret", "up/etc/passwd", `${dir}/out/y`]) {
        const r = await api.post("/api/sessions/s/graph/append", [file("F", { filepath })]);
        assert.equal(r.status, 400, `${filepath}: ${JSON.stringify(r.body)}`);
        assert.match(String((r.body as { args: string[] }).args[0]), /once links are followed/);
      }
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 0);
      // A real subdirectory, and a link that stays inside, are fine.
      await Deno.mkdir(`${dir}/sub`);
      await Deno.symlink("sub", `${dir}/inside`);
      const ok = await api.post("/api/sessions/s/graph/append", [
        file("A", { filepath: "sub/a" }),
        file("B", { filepath: "inside/b" }),
      ]);
      assert.equal(ok.status, 200, JSON.stringify(ok.body));
    });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});

Deno.test("a symlink swapped in after append is not followed when a file Drop is written or read", async () => {
  const outside = await Deno.makeTempDir({ prefix: "dlg-outside-" });
  try {
    await Deno.writeTextFile(`${outside}/victim`, "precious");
    await Deno.writeTextFile(`${outside}/secret`, "top secret");
    await withNode(async (api) => {
      await api.session("w", [
        appSpec("H", "HelloWorldApp", { outputs: ["F"] }),
        file("F", { filepath: "hello" }),
      ]);
      await Deno.symlink(`${outside}/victim`, `${api.workDir}/w/hello`);
      await api.post("/api/sessions/w/deploy", { completed: ["H"] });
      assert.equal(await api.until("w", [4, FAILED]), FAILED);
      assert.equal(await Deno.readTextFile(`${outside}/victim`), "precious");

      await api.session("r", [
        file("S", { filepath: "in", consumers: ["C"] }),
        appSpec("C", "CopyApp", { outputs: ["M"] }),
        mem("M"),
      ]);
      await Deno.symlink(`${outside}/secret`, `${api.workDir}/r/in`);
      await api.post("/api/sessions/r/deploy", { completed: ["S"] });
      assert.equal(await api.until("r", [4, FAILED]), FAILED);
      const st = (await api.get("/api/sessions/r/graph/status")).body as Record<string, unknown>;
      assert.deepEqual(st.C, { status: 3, execStatus: 3 }, JSON.stringify(st));
      const info = (await api.get("/api/sessions/r/graph/drop/C")).body as { error?: string };
      assert.match(String(info.error), /symbolic link/);

      // A directory swapped for a link before the file is made: nothing is created out there.
      await api.post("/api/sessions", { sessionId: "c" });
      await Deno.mkdir(`${api.workDir}/c/sub`);
      await api.post("/api/sessions/c/graph/append", [
        appSpec("H", "HelloWorldApp", { outputs: ["F"] }),
        file("F", { filepath: "sub/new.txt" }),
      ]);
      await Deno.remove(`${api.workDir}/c/sub`);
      await Deno.symlink(outside, `${api.workDir}/c/sub`);
      await api.post("/api/sessions/c/deploy", { completed: ["H"] });
      assert.equal(await api.until("c", [4, FAILED]), FAILED);
      assert.ok(!(await exists(`${outside}/new.txt`)), "no file made outside");

      // Nor when another node reads the Drop's bytes (`GET .../drops/<uid>/data`).
      await api.session("n", [file("N", { filepath: "done" })]);
      await Deno.writeTextFile(`${api.workDir}/n/done`, "mine");
      await api.post("/api/sessions/n/deploy", { completed: ["N"] });
      await api.until("n", [4]);
      await Deno.remove(`${api.workDir}/n/done`).catch(() => {});
      await Deno.symlink(`${outside}/secret`, `${api.workDir}/n/done`);
      const read = await api.get("/api/sessions/n/drops/N/data");
      assert.notEqual(read.status, 200);
      assert.doesNotMatch(JSON.stringify(read.body), /top secret/);
    });
  } finally {
    await Deno.remove(outside, { recursive: true });
  }
});
