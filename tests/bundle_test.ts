/**
 * Issue 5's offline single-file form: each tier bundled into one JS file (worker and Python
 * runner inside), copied into an empty directory and run from there. With DENORT_BIN set, the
 * compiled binaries run instead.
 */
import assert from "node:assert/strict";
import { bundle, compile } from "../tools/build.ts";
import { waitFor } from "../core/testing/mod.ts";
import { type Proc, startCommand } from "./_util/procs.ts";

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

Deno.test("bundled master, island and two nodes run a cross-node graph with a worker app", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dlg-bundle-" });
  const procs: Proc[] = [];
  try {
    const { run, start, files } = await build(dir);
    const suffix = Deno.env.get("DENORT_BIN") ? "" : ".js";
    for (const t of ["dlg-node", "dlg-island", "dlg-master"]) {
      assert.ok(files.includes(`${t}${suffix}`), `${t} built: ${files}`);
    }
    await Deno.writeTextFile(`${run}/double.js`, MODULE);
    const nodes = await Promise.all(
      [1, 2].map((i) =>
        start["dlg-node"]!([
          ...["-w", `${run}/ws${i}`, "--app-root", run, "-t", "1"],
          ...["--python", "/usr/bin/python3", "--py-workers", "1"],
        ])
      ),
    );
    procs.push(...nodes);
    const island = await start["dlg-island"]!(["-N", nodes.map((n) => n.hostPort).join(",")]);
    procs.push(island);
    const master = await start["dlg-master"]!(["-N", island.hostPort]);
    procs.push(master);
    const [n1, n2] = nodes.map((n) => ({ node: n.hostPort, island: island.hostPort }));
    const post = (path: string, body: unknown) =>
      fetch(`${master.url}${path}`, {
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
        ...n1,
      },
      {
        oid: "x2",
        categoryType: "Application",
        dropclass: "dlg.apps.js.ModuleApp",
        module: `${run}/double.js`,
        function: "double",
        outputs: ["out"],
        ...n2,
      },
      {
        oid: "out",
        categoryType: "Data",
        dropclass: "dlg.data.drops.file.FileDROP",
        filepath: "out.txt",
        ...n2,
      },
      // A Python function: the runner travels inside the bundle.
      {
        oid: "pow",
        categoryType: "Application",
        dropclass: "dlg.apps.pyfunc.PyFuncApp",
        func_name: "pow",
        applicationArgs: {
          base: {
            value: 3,
            type: "Integer",
            usage: "NoPort",
            encoding: "pickle",
            positional: false,
          },
          exp: {
            value: 4,
            type: "Integer",
            usage: "NoPort",
            encoding: "pickle",
            positional: false,
          },
          o: {
            value: "",
            type: "Object",
            usage: "OutputPort",
            encoding: "eval",
            positional: false,
          },
        },
        outputs: [{ powed: "o" }],
        ...n1,
      },
      {
        oid: "powed",
        categoryType: "Data",
        dropclass: "dlg.data.drops.file.FileDROP",
        filepath: "pow.txt",
        producers: [{ pow: "o" }],
        ...n1,
      },
    ]);
    assert.equal(a.status, 200, JSON.stringify(a.body));
    const d = await post("/api/sessions/b/deploy", { completed: ["in", "pow"] });
    assert.equal(d.status, 200, JSON.stringify(d.body));
    const done = await waitFor(async () => {
      const st = await (await fetch(`${master.url}/api/sessions/b/status`)).json();
      const all = Object.values(st as Record<string, Record<string, number>>)
        .flatMap((m) => Object.values(m));
      return all.every((x) => x >= 4) ? all : undefined;
    });
    assert.deepEqual(done, [4, 4]);
    assert.equal(await Deno.readTextFile(`${run}/ws2/b/out.txt`), "42");
    assert.equal(await Deno.readTextFile(`${run}/ws1/b/pow.txt`), "81");
    // The web UI comes from inside the single file.
    const page = await fetch(`${master.url}/`);
    assert.match(await page.text(), /<script src="\/ui\/app.js"/);
    const script = await fetch(`${master.url}/ui/app.js`);
    assert.match(script.headers.get("content-type") ?? "", /javascript/);
    assert.match(await script.text(), /function layeredLayout/);
    // The client CLI from its own single file, with its exit codes.
    const dlg = (...args: string[]) =>
      new Deno.Command(
        suffix ? Deno.execPath() : `${run}/dlg`,
        {
          args: suffix ? ["run", "-A", `${run}/dlg.js`, ...args] : args,
          stdout: "piped",
          stderr: "piped",
        },
      ).output();
    const listed = await dlg("sessions", "-m", master.url, "--json");
    assert.equal(listed.code, 0, new TextDecoder().decode(listed.stderr));
    assert.match(new TextDecoder().decode(listed.stdout), /"sessionId":\s*"b"/);
    assert.equal((await dlg("--bogus")).code, 2);
  } finally {
    await Promise.all(procs.map((p) => p.stop()));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("deno task compile without a usable denort says what to do with DENORT_BIN", async () => {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../tools/build.ts", import.meta.url).pathname, "compile"],
    env: { DENORT_BIN: "/nonexistent/denort", NO_COLOR: "1" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const err = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 1);
  assert.match(err, /DENORT_BIN=\/nonexistent\/denort/);
  assert.match(err, /point DENORT_BIN at it/);
  assert.doesNotMatch(err, /Stack backtrace|at file:\/\//);
});
