/**
 * The Python side of the pool: one script, kept here as source text so it ships inside the
 * bundles and compiled binaries; written to a private temporary directory on first use.
 */
import { RUNNER_CODECS } from "./runner_codecs_py.ts";
import { RUNNER_IO } from "./runner_io_py.ts";
import { RUNNER_MAIN } from "./runner_main_py.ts";
import { RUNNER_RESOLVE } from "./runner_resolve_py.ts";

/** The whole runner script. */
export function runnerSource(): string {
  return [RUNNER_IO, RUNNER_CODECS, RUNNER_RESOLVE, RUNNER_MAIN].join("\n");
}

/** Shared memory when the system has it: big payloads pass through files there. */
function baseDir(): string | undefined {
  try {
    return Deno.statSync("/dev/shm").isDirectory ? "/dev/shm" : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A new private directory (mode 0700, in /dev/shm when there is one) holding `runner.py`, where
 * big payloads pass too; returns both paths.
 */
export function writeRunner(): { dir: string; script: string } {
  let dir: string;
  try {
    dir = Deno.makeTempDirSync({ dir: baseDir(), prefix: "dlg-py-" });
  } catch {
    dir = Deno.makeTempDirSync({ prefix: "dlg-py-" });
  }
  Deno.chmodSync(dir, 0o700);
  const script = `${dir}/runner.py`;
  Deno.writeTextFileSync(script, runnerSource(), { mode: 0o600 });
  return { dir, script };
}
