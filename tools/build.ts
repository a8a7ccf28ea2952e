/**
 * Single-file builds of every tier.
 *
 *   deno task bundle               one self-contained JS file per tier in dist/ (worker inside)
 *   deno task compile [--target T] one executable per tier in dist/ (needs denort, see below)
 *
 * The worker entry is bundled on its own and embedded in each tier's bundle as a string, which
 * the pool starts from a blob: URL (core/exec/pool.ts `defaultWorkerUrl`): no other file needed.
 * `deno compile` downloads a runtime base (denort) on first use; where it cannot, point
 * DENORT_BIN at a denort binary of the same Deno version.
 */
import { parseArgs } from "node:util";
import { EMBEDDED_WORKER } from "../core/exec/pool.ts";
import { tierV8Flags } from "../core/cli/spawn.ts";

const ROOT = new URL("../", import.meta.url).pathname;
const DIST = `${ROOT}dist`;

/** Tier entries and the permissions each needs once compiled. */
export const TIERS: Record<string, { entry: string; perms: string[] }> = {
  "dlg-node": {
    entry: "cmd/dlg-node.ts",
    perms: [
      "--allow-net",
      "--allow-read",
      "--allow-write",
      "--allow-env",
      "--allow-run",
      "--allow-sys=setPriority",
      // libc's madvise (huge pages for big memory Drops) and process_vm_readv/writev (PyFuncApp
      // payloads straight between the node and its python workers). Graph authors can already
      // run commands here (--allow-run), so this adds no reach.
      "--allow-ffi",
    ],
  },
  "dlg-island": {
    entry: "cmd/dlg-island.ts",
    perms: ["--allow-net", "--allow-read", "--allow-write", "--allow-env"],
  },
  "dlg-master": {
    entry: "cmd/dlg-master.ts",
    perms: ["--allow-net", "--allow-read", "--allow-write", "--allow-env"],
  },
  "dlg": { entry: "cmd/dlg.ts", perms: ["--allow-net", "--allow-read", "--allow-env"] },
};

/** `--target` short names -> Rust target triples `deno compile` takes. */
export const TARGETS: Record<string, string> = {
  "linux-x64": "x86_64-unknown-linux-gnu",
  "linux-arm64": "aarch64-unknown-linux-gnu",
  "macos-x64": "x86_64-apple-darwin",
  "macos-arm64": "aarch64-apple-darwin",
  "windows-x64": "x86_64-pc-windows-msvc",
};

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function deno(args: string[]): Promise<{ ok: boolean; err: string }> {
  const out = await new Deno.Command(Deno.execPath(), { args, stdout: "inherit", stderr: "piped" })
    .output();
  const err = new TextDecoder().decode(out.stderr);
  return { ok: out.success, err };
}

/** The line of deno's error output that names the cause (denort's, when there is one). */
function lastLine(text: string): string {
  // deno-lint-ignore no-control-regex
  const plain = text.replace(/\x1b\[[0-9;]*m/g, "");
  const lines = plain.split("\n").map((l) => l.trim().replace(/^\d+: /, ""))
    .filter((l) => l && !/^Stack backtrace|^<unknown>/.test(l));
  return lines.findLast((l) => /denort/i.test(l)) ?? lines.pop() ?? "";
}

async function denoOrDie(args: string[]): Promise<void> {
  const r = await deno(args);
  if (!r.ok) {
    console.error(r.err);
    throw new Error(`deno ${args.join(" ")} failed`);
  }
}

/** The tiers whose entry exists (the client CLI may not yet). */
async function tiers(): Promise<string[]> {
  const names: string[] = [];
  for (const [name, t] of Object.entries(TIERS)) {
    if (await exists(`${ROOT}${t.entry}`)) names.push(name);
  }
  return names;
}

/** Bundle every tier into `<out>/<tier>.js` with the worker source embedded. */
export async function bundle(out = DIST): Promise<string[]> {
  const BUILD = `${out}/.build`;
  await Deno.mkdir(BUILD, { recursive: true });
  const worker = `${BUILD}/worker.js`;
  await denoOrDie(["bundle", "--platform", "deno", "-o", worker, `${ROOT}core/exec/worker.ts`]);
  const source = await Deno.readTextFile(worker);
  await Deno.writeTextFile(
    `${BUILD}/worker_prelude.js`,
    `globalThis[${JSON.stringify(EMBEDDED_WORKER)}] = ${JSON.stringify(source)};\n`,
  );
  const files: string[] = [];
  for (const name of await tiers()) {
    const entry = `${BUILD}/${name}.entry.js`;
    // The prelude is imported first, so the global is set before any tier module runs; the
    // bundle sees `import.meta.main` as false inside the tier module, so call `main` here.
    const tier = JSON.stringify(`${ROOT}${TIERS[name]!.entry}`);
    await Deno.writeTextFile(
      entry,
      `import "./worker_prelude.js";\nimport { main } from ${tier};\n` +
        // A main that returns a number (the dlg CLI) returns its exit code.
        `const code = await main();\nif (typeof code === "number") Deno.exit(code);\n`,
    );
    const file = `${out}/${name}.js`;
    await denoOrDie(["bundle", "--platform", "deno", "-o", file, entry]);
    files.push(file);
  }
  return files;
}

const DENORT_HELP = `deno compile could not get its runtime base (denort): this machine cannot
download it. Download denort for Deno ${Deno.version.deno} and your target from the Deno
release page (file denort-<target>.zip), unzip it, and point DENORT_BIN at it:

  DENORT_BIN=/path/to/denort deno task compile`;

/** Compile every tier (from its bundle) to `<out>/<tier>[-<target>]`. */
export async function compile(target?: string, out = DIST): Promise<string[]> {
  const triple = target ? TARGETS[target] ?? target : undefined;
  if (triple && !Object.values(TARGETS).includes(triple)) {
    throw new Error(`unknown --target ${target}; one of ${Object.keys(TARGETS).join(", ")}`);
  }
  const bundles = await bundle(out);
  const exes: string[] = [];
  for (const file of bundles) {
    const name = file.slice(out.length + 1, -3);
    const exe = `${out}/${name}${target ? `-${target}` : ""}`;
    const r = await deno([
      "compile",
      "--no-check",
      ...TIERS[name]!.perms,
      ...(name === "dlg" ? [] : [`--v8-flags=${tierV8Flags(name).join(",")}`]),
      ...(triple ? ["--target", triple] : []),
      "--output",
      exe,
      file,
    ]);
    if (!r.ok) {
      if (
        /denort|dns error|download|Name or service not known|error sending request/i.test(r.err)
      ) {
        const given = Deno.env.get("DENORT_BIN");
        console.error(
          given
            ? `deno compile could not use DENORT_BIN=${given}: ${lastLine(r.err)}\n\n${DENORT_HELP}`
            : DENORT_HELP,
        );
        Deno.exit(1);
      }
      console.error(r.err);
      throw new Error(`deno compile of ${name} failed`);
    }
    exes.push(exe);
  }
  return exes;
}

if (import.meta.main) {
  const { positionals, values } = parseArgs({
    args: Deno.args,
    allowPositionals: true,
    options: { target: { type: "string" } },
  });
  const cmd = positionals[0];
  try {
    if (cmd === "bundle") console.log((await bundle()).join("\n"));
    else if (cmd === "compile") console.log((await compile(values.target)).join("\n"));
    else {
      console.error("usage: deno run -A tools/build.ts bundle | compile [--target T]");
      Deno.exit(2);
    }
  } catch (e) {
    console.error(`build: ${(e as Error).message}`);
    Deno.exit(1);
  }
}
