/**
 * Issue 5's offline single-file form: each tier bundled into one JS file (worker inside), copied
 * into an empty directory and run from there. With DENORT_BIN set, the compiled binaries run
 * instead.
 */
import assert from "node:assert/strict";
import { bundle, compile } from "../tools/build.ts";
import { type Proc, startCommand, waitFor } from "./_util/procs.ts";

const MODULE = `export function double(ctx) {
  const n = Number(ctx.inputs[0].text());
  for (const out of ctx.outputs) out.write(String(n * 2));
}
`;

/** Build into `dir`; return how to start each tier from there. */
async function build(dir: string) {
  const out = `${dir}/build`;
  const compiled = Deno.env.get("DENORT_BIN") ? await compile(undefined, out) : undefined;
  const files = compiled ?? await bundle(out);
  const run = `${dir}/run`;
  await Deno.mkdir(run);
  const start: Record<string, (args: string[]) => Promise<Proc>> = {};
  for (const f of files) {
    const name = f.split("/").pop()!;
    await Deno.copyFile(f, `${run}/${name}`);
    if (compiled) await Deno.chmod(`${run}/${name}`, 0o755);
    const tier = name.replace(/\.js$/, "");
    start[tier] = (args) =>
      compiled
        ? startCommand(`${run}/${name}`, ["-P", "0", ...args])
        : startCommand(Deno.execPath(), ["run", "-A", `${run}/${name}`, "-P", "0", ...args]);
  }
  await Deno.remove(out, { recursive: true });
  return { run, start, files: [...Deno.readDirSync(run)].map((e) => e.name).sort() };
}

Deno.test("a bundled dlg-node runs alone from an empty directory, worker apps included", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-bundle-" });
  const procs: Proc[] = [];
  try {
    const { run, start, files } = await build(dir);
    assert.ok(files.includes(Deno.env.get("DENORT_BIN") ? "dlg-node" : "dlg-node.js"), `${files}`);
    await Deno.writeTextFile(`${run}/double.js`, MODULE);
    const node = await start["dlg-node"]!(["-w", `${run}/ws`, "--app-root", run, "-t", "1"]);
    procs.push(node);
    const post = (path: string, body: unknown) =>
      fetch(`${node.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    assert.equal((await post("/api/sessions", { sessionId: "b" })).status, 200);
    const a = await post("/api/sessions/b/graph/append", [
      {
        oid: "in",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        pydata: "21",
        consumers: ["x2"],
      },
      {
        oid: "x2",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: `${run}/double.js`,
        function: "double",
        outputs: ["out"],
      },
      {
        oid: "out",
        categoryType: "Data",
        dropclass: "dlg.data.drops.file.FileDROP",
        filepath: "out.txt",
      },
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    assert.equal((await post("/api/sessions/b/deploy", { completed: ["in"] })).status, 200);
    await waitFor(async () =>
      (await (await fetch(`${node.url}/api/sessions/b/status`)).json()) === 4
    );
    assert.equal(await Deno.readTextFile(`${run}/ws/b/out.txt`), "42");
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await Deno.remove(dir, { recursive: true });
  }
});
