/**
 * Run a tier as a child process on a free port: spawn it, read the bound URL from the first
 * `http(s)://host:port` it prints, and stop it with SIGTERM (SIGKILL if it lingers). Used by
 * `deno task demo` and by the multi-process tests.
 */

export interface Spawned {
  url: string;
  /** `host:port`, as node strings in graphs name it. */
  hostPort: string;
  child: Deno.ChildProcess;
  /** Everything the child printed so far (stdout and stderr). */
  output(): string;
  /** SIGTERM (or `signal`), SIGKILL after 5 s; resolves once the child and its output ended. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * V8 flags every tier but a master runs with (spawned here, `deno task node|island`, compiled
 * binaries, the SLURM script): a 4 MB semi-space instead of V8's 16 MB (a node keeps what it
 * allocates, so a large young generation only adds to peak RSS: 100k Drops on one node measured
 * 1,577 B RSS per Drop with the default and 895 B with this), and a 16 GB heap limit instead of
 * Deno's ~4 GB (a master of 10M Drops peaked at 5.4 GB). docs/performance.md has the figures.
 */
export const TIER_V8_FLAGS = ["--max-semi-space-size=4", "--max-old-space-size=16384"];

/**
 * A master's semi-space (MB), from the start. A master keeps a few bytes per Drop but parses
 * every spec it forwards, and a 4 MB batch's parsed specs outlived a 4 MB young generation:
 * promoted, then dead in the old one. A 2M-Drop hierarchy append, alternated: master CPU
 * 16.6-21.5 -> 11.1-13.4 s, its peak RSS 714-809 -> 493-497 MB (32 and 128 MB did worse). A
 * master touches it once at start (`touchYoungGeneration`).
 */
export const MASTER_SEMI_SPACE_MB = 64;

/** A master's V8 flags instead of `TIER_V8_FLAGS`. */
export const MASTER_V8_FLAGS = [
  `--max-semi-space-size=${MASTER_SEMI_SPACE_MB}`,
  `--min-semi-space-size=${MASTER_SEMI_SPACE_MB}`,
  "--max-old-space-size=16384",
];

/** The V8 flags of the tier `cmd` runs (its entry file or binary). */
export function tierV8Flags(cmd: string): readonly string[] {
  return /(^|\/)dlg-master(\.[jt]s)?$/.test(cmd) ? MASTER_V8_FLAGS : TIER_V8_FLAGS;
}

/**
 * Environment every node manager we start runs with, unless the caller's environment sets it.
 * Deno's runtime is tokio's current-thread scheduler: while JS always has work, it polls sockets
 * only every `event_interval` task polls (61 by default), so during a run an event waited 50-120
 * ms to leave on a node's stream. 8 brought the event row's p99 under 20 ms with `GET status` under
 * wrk unchanged (1 and 4 cost a third of it); on a master and its islands it cost 8-12% of a 2M-Drop
 * run (deploy most), so they keep the default. Read once, at process start: a compiled `dlg-node`
 * started by hand needs it in its environment (docs/performance.md, round 5).
 */
export const NODE_ENV: Readonly<Record<string, string>> = { DENO_TOKIO_EVENT_INTERVAL: "8" };

/**
 * The environment for `cmd` (a tier's entry file or binary) beside `env`: `NODE_ENV` for a node
 * manager, each variable only where this process's environment has none.
 */
export function tierEnv(cmd: string, env: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  if (/(^|\/)dlg-node(\.[jt]s)?$/.test(cmd)) {
    for (const [k, v] of Object.entries(NODE_ENV)) if (Deno.env.get(k) === undefined) out[k] = v;
  }
  return { ...out, ...env };
}

const URL_RE = /https?:\/\/[\w.\-\[\]:]+:\d+/;

/** Run `script` (a tier entry, `.ts` or `.js`) with this Deno, `-P 0` and `args`. */
export function spawnTier(
  script: string,
  args: string[],
  opts: { env?: Record<string, string>; denoArgs?: string[] } = {},
): Promise<Spawned> {
  const denoArgs = [
    "run",
    "-A",
    `--v8-flags=${tierV8Flags(script).join(",")}`,
    ...(opts.denoArgs ?? []),
    script,
    "-P",
    "0",
    ...args,
  ];
  return spawnListening(Deno.execPath(), denoArgs, { env: opts.env });
}

/**
 * Run any command that prints the URL it listens on (a tier, a bundle, a compiled binary), with
 * `opts.env` (and `NODE_ENV` when what it runs, its entry file or else `cmd`, is a `dlg-node`).
 */
export async function spawnListening(
  cmd: string,
  args: string[],
  opts: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Spawned> {
  const name = args.find((a) => /\.(ts|js)$/.test(a)) ?? cmd;
  const child = new Deno.Command(cmd, {
    args,
    stdout: "piped",
    stderr: "piped",
    env: tierEnv(name, opts.env),
  }).spawn();
  let text = "";
  const { promise: listening, resolve, reject } = Promise.withResolvers<string>();
  const pump = async (s: ReadableStream<Uint8Array>) => {
    const dec = new TextDecoder();
    for await (const chunk of s) {
      text += dec.decode(chunk, { stream: true });
      const m = text.match(URL_RE);
      if (m) resolve(m[0]);
    }
  };
  const pumps = Promise.all([pump(child.stdout), pump(child.stderr)]);
  const status = child.status;
  // Its output is read to the end first: the message shows what it said before exiting.
  status.then(async (s) => {
    await pumps.catch(() => {});
    reject(new Error(`${name} exited (${s.code}) before listening:\n${text}`));
  });
  const timer = setTimeout(
    () => reject(new Error(`${name} did not start:\n${text}`)),
    opts.timeoutMs ?? 15_000,
  );
  const stop = async (signal: Deno.Signal = "SIGTERM") => {
    kill(child, signal);
    const t = setTimeout(() => kill(child, "SIGKILL"), 5000);
    const s = await status;
    clearTimeout(t);
    await pumps;
    return s;
  };
  try {
    const url = await listening;
    return { url, hostPort: url.replace(/^https?:\/\//, ""), child, output: () => text, stop };
  } catch (e) {
    await stop("SIGKILL");
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

function kill(child: Deno.ChildProcess, signal: Deno.Signal): void {
  try {
    child.kill(signal);
  } catch { /* already gone */ }
}
