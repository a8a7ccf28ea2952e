/**
 * Start real tier processes on ephemeral ports for tests: spawn `deno run` on port 0, read the
 * bound URL from the child's first output line, and always stop what was started.
 */

export interface Proc {
  url: string;
  /** `host:port` as node strings in graphs name it. */
  hostPort: string;
  child: Deno.ChildProcess;
  /** Everything the child printed (stdout and stderr). */
  output(): string;
  /** SIGTERM (or `signal`), then wait; SIGKILL if it lingers. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

const ROOT = new URL("../../", import.meta.url).pathname;

/** Start `cmd/<tier>.ts` (or any script) with `args`; resolves once it prints its URL. */
export function startProc(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; denoArgs?: string[] } = {},
): Promise<Proc> {
  const path = script.startsWith("/") ? script : `${ROOT}${script}`;
  return startCommand(Deno.execPath(), [
    "run",
    "-A",
    ...(opts.denoArgs ?? []),
    path,
    "-P",
    "0",
    ...args,
  ], opts.env);
}

/** Start any command that prints its URL (a bundle, a compiled binary). */
export async function startCommand(
  cmd: string,
  args: string[],
  env?: Record<string, string>,
): Promise<Proc> {
  const script = args.find((a) => /\.(ts|js)$/.test(a)) ?? cmd;
  const child = new Deno.Command(cmd, { args, stdout: "piped", stderr: "piped", env }).spawn();
  let text = "";
  let resolveUrl: (u: string) => void;
  let rejectUrl: (e: Error) => void;
  const urlP = new Promise<string>((res, rej) => {
    resolveUrl = res;
    rejectUrl = rej;
  });
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) {
      text += dec.decode(chunk, { stream: true });
      const m = text.match(/http:\/\/[\w.\-\[\]:]+:\d+/);
      if (m) resolveUrl(m[0]);
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status;
  status.then((s) =>
    rejectUrl(new Error(`${script} exited (${s.code}) before listening:\n${text}`))
  );
  const timer = setTimeout(() => rejectUrl(new Error(`${script} did not start:\n${text}`)), 15000);
  let url: string;
  try {
    url = await urlP;
  } catch (e) {
    try {
      child.kill("SIGKILL");
    } catch { /* gone */ }
    await status;
    await pumps;
    throw e;
  } finally {
    clearTimeout(timer);
  }
  const proc: Proc = {
    url,
    hostPort: url.replace("http://", ""),
    child,
    output: () => text,
    async stop(signal: Deno.Signal = "SIGTERM") {
      try {
        child.kill(signal);
      } catch { /* already gone */ }
      const t = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* gone */ }
      }, 5000);
      const s = await status;
      clearTimeout(t);
      await pumps;
      return s;
    },
  };
  return proc;
}

/** Start a dlg-node with its own temporary work directory. */
export async function startNode(
  args: string[] = [],
  denoArgs?: string[],
): Promise<Proc & { workDir: string }> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-node-" });
  const p = await startProc("cmd/dlg-node.ts", ["-w", workDir, ...args], { denoArgs });
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
