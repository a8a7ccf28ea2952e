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
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    detached: true,
  }).spawn();
  const kill = () => killGroup(child.pid);
  opts.signal.addEventListener("abort", kill, { once: true });
  try {
    const max = opts.tail ?? 4096;
    const [stdout, stderr, status] = await Promise.all([
      tailOf(child.stdout, max),
      tailOf(child.stderr, max),
      child.status,
    ]);
    return { code: status.code, stdout, stderr };
  } finally {
    opts.signal.removeEventListener("abort", kill);
  }
}

/** SIGTERM a process group, then SIGKILL it if it is still there after a grace period. */
export function killGroup(pid: number, graceMs = 2000): void {
  try {
    Deno.kill(-pid, "SIGTERM");
  } catch {
    return;
  }
  const t = setTimeout(() => {
    try {
      Deno.kill(-pid, "SIGKILL");
    } catch { /* gone */ }
  }, graceMs);
  Deno.unrefTimer(t);
}
