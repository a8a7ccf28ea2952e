/** Child processes for shell apps: own process group, killed as a group on abort. */

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env: Record<string, string>;
  signal: AbortSignal;
  /** Bytes kept from the end of stdout/stderr. */
  tail?: number;
  /** Chunks fed to the command's stdin (closed when they end or the command exits). */
  stdin?: AsyncIterable<Uint8Array>;
}

const decoder = new TextDecoder();

/** Keep the last `max` bytes of a stream. */
async function tailOf(stream: ReadableStream<Uint8Array>, max: number): Promise<string> {
  let kept: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of stream) {
    kept.push(chunk);
    size += chunk.length;
    while (size - (kept[0]?.length ?? 0) >= max && kept.length > 1) size -= kept.shift()!.length;
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of kept) {
    all.set(c, off);
    off += c.length;
  }
  kept = [];
  return decoder.decode(all.subarray(Math.max(0, size - max)));
}

/** Run `/bin/bash -c command` in its own process group; SIGTERM the group on abort. */
export async function runBash(command: string, opts: RunOptions): Promise<RunResult> {
  const child = new Deno.Command("/bin/bash", {
    args: ["-c", command],
    cwd: opts.cwd,
    env: opts.env,
    stdin: opts.stdin ? "piped" : "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const kill = () => killGroup(child.pid, { exited: child.status });
  opts.signal.addEventListener("abort", kill, { once: true });
  try {
    const max = opts.tail ?? 4096;
    const [stdout, stderr, status] = await Promise.all([
      tailOf(child.stdout, max),
      tailOf(child.stderr, max),
      child.status,
      opts.stdin ? feed(child.stdin, opts.stdin, child.status) : undefined,
    ]);
    return { code: status.code, stdout, stderr };
  } finally {
    opts.signal.removeEventListener("abort", kill);
  }
}

/** Write `chunks` to `stdin` until they end or the process exits; then close it. */
async function feed(
  stdin: WritableStream<Uint8Array>,
  chunks: AsyncIterable<Uint8Array>,
  exited: Promise<unknown>,
): Promise<void> {
  const writer = stdin.getWriter();
  const it = chunks[Symbol.asyncIterator]();
  const EXITED: unique symbol = Symbol("exited");
  const gone = exited.then(() => EXITED);
  try {
    while (true) {
      const next = await Promise.race([it.next(), gone]);
      if (typeof next === "symbol" || next.done) break;
      if (await Promise.race([writer.write(next.value), gone]) === EXITED) break;
    }
  } catch { /* the command stopped reading (broken pipe) */ }
  await writer.close().catch(() => {});
}

/**
 * SIGTERM a process group, then SIGKILL it if it is still there after a grace period. Give
 * `exited` (the leader's status) so the SIGKILL timer ends as soon as the group is gone.
 */
export function killGroup(
  pid: number,
  opts: { graceMs?: number; exited?: Promise<unknown> } = {},
): void {
  if (!signalGroup(pid, "SIGTERM")) return;
  const t = setTimeout(() => signalGroup(pid, "SIGKILL"), opts.graceMs ?? 2000);
  Deno.unrefTimer(t);
  // SIGCONT is harmless to a group being stopped; it fails once no member is left.
  opts.exited?.then(() => {
    if (!signalGroup(pid, "SIGCONT")) clearTimeout(t);
  });
}

/** Signal every process of group `pid`; false when there is none left. */
function signalGroup(pid: number, signal: Deno.Signal): boolean {
  try {
    Deno.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}
