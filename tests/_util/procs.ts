/**
 * Start real tier processes on ephemeral ports for tests (with core/cli/spawn.ts): port 0, the
 * bound URL read from the child's first output line, and always stop what was started.
 */
import { type Spawned, spawnListening, spawnTier } from "../../core/cli/spawn.ts";

export type Proc = Spawned;

const ROOT = new URL("../../", import.meta.url).pathname;

/** Start `cmd/<tier>.ts` (a path from the repository root, or absolute) with `args`. */
export function startProc(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; denoArgs?: string[] } = {},
): Promise<Proc> {
  return spawnTier(script.startsWith("/") ? script : `${ROOT}${script}`, args, opts);
}

/** Start any command that prints its URL (a bundle, a compiled binary). */
export function startCommand(
  cmd: string,
  args: string[],
  env?: Record<string, string>,
): Promise<Proc> {
  return spawnListening(cmd, args, { env });
}

/** Start a dlg-node with its own temporary work directory. */
export async function startNode(
  args: string[] = [],
  denoArgs?: string[],
): Promise<Proc & { workDir: string }> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-node-" });
  const p = await startProc("cmd/dlg-node.ts", ["-w", workDir, ...args], { denoArgs }).catch(
    async (e) => {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
      throw e;
    },
  );
  const stop = p.stop;
  return {
    ...p,
    workDir,
    async stop(signal?: Deno.Signal) {
      const s = await stop(signal);
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
      return s;
    },
  };
}

/**
 * Start a dlg-node again on `p`'s port and work directory (after it was killed); stopping the
 * new one does not remove the directory (the first one's stop does).
 */
export async function restartNode(
  p: Proc & { workDir: string },
  args: string[] = [],
): Promise<Proc> {
  const port = p.hostPort.split(":").at(-1)!;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return await startProc("cmd/dlg-node.ts", ["-w", p.workDir, ...args, "-P", port]);
    } catch (e) {
      // The port may take a moment to be free again.
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
