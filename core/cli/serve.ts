/**
 * What every tier's entry shares: common flags, serving a manager, and a clean stop on
 * SIGINT/SIGTERM or `POST /api/stop`.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { Hono } from "hono";
import * as v from "valibot";
import type { DropManager } from "../manager/mod.ts";
import { canonicalOrigin, createApp, MB } from "../rest/mod.ts";
import { getLogger, type LogFormat, setupLogging } from "../log/mod.ts";
import { Metrics } from "../metrics/mod.ts";
import { type Action, DALIUGE_OPTIONS, daliugeFlags } from "./daliuge_flags.ts";
import { observe, type Observed } from "./observe.ts";
import type { Announcer } from "./register.ts";
import { exposureRefusal, isLoopback, readTrust, type Trust, TRUST_OPTIONS } from "./trust.ts";

export const COMMON_OPTIONS = {
  host: { type: "string", short: "H" },
  port: { type: "string", short: "P" },
  "work-dir": { type: "string", short: "w" },
  "max-request-size": { type: "string", short: "m" },
  "max-inflated-size": { type: "string" },
  "max-threads": { type: "string", short: "t" },
  "dlm-check-period": { type: "string" },
  "dlm-cleanup-period": { type: "string" },
  "allow-path": { type: "string", multiple: true },
  "allow-origin": { type: "string", multiple: true },
  "log-format": { type: "string" },
  help: { type: "boolean", short: "h" },
  ...TRUST_OPTIONS,
  ...DALIUGE_OPTIONS,
} as const satisfies ParseArgsConfig["options"];

/** A bad flag: the entry prints it and the usage, then exits 2. */
export class UsageError extends Error {}

/** A numeric flag given as text (or absent: `def`). */
const numberFlag = (name: string, def: number, min: number, integer = false) =>
  v.pipe(
    v.optional(v.string(), String(def)),
    v.transform(Number),
    v.check(
      (n) => Number.isFinite(n) && n >= min && (!integer || Number.isInteger(n)),
      `--${name} must be ${integer ? "an integer" : "a number"} >= ${min}`,
    ),
  );

const ConfigSchema = v.object({
  host: v.pipe(v.string(), v.nonEmpty("--host must not be empty")),
  port: v.pipe(numberFlag("port", 0, 0, true), v.maxValue(65535, "--port must be 0..65535")),
  workDir: v.pipe(v.string(), v.nonEmpty("--work-dir must not be empty")),
  root: v.string(),
  maxRequestSize: v.pipe(numberFlag("max-request-size", 10, 0.001), v.transform((n) => n * MB)),
  /** Largest inflated `Content-Encoding: gzip` body, in bytes (default 16 times -m). */
  maxInflatedSize: v.pipe(numberFlag("max-inflated-size", 160, 0.001), v.transform((n) => n * MB)),
  maxThreads: numberFlag("max-threads", navigator.hardwareConcurrency, 1, true),
  dlmCheckPeriod: numberFlag("dlm-check-period", 10, 0),
  dlmCleanupPeriod: numberFlag("dlm-cleanup-period", 30, 0),
  allowedPaths: v.array(
    v.pipe(v.string(), v.startsWith("/", "--allow-path needs an absolute path")),
  ),
  allowOrigins: v.array(
    v.pipe(
      v.string(),
      v.check((o) => canonicalOrigin(o) !== undefined, "--allow-origin needs an http(s) origin"),
    ),
  ),

  logFormat: v.picklist(["text", "json"], "--log-format must be text or json"),
  /** `-v` count minus `-q` count. */
  verbosity: v.number(),
  /** `-l DIR`: one log file per session there. */
  logDir: v.optional(v.pipe(v.string(), v.nonEmpty("--log-dir must not be empty"))),
});

export type CommonConfig = v.InferOutput<typeof ConfigSchema>;

function home(): string {
  return Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".";
}

const count = (x: unknown) => Array.isArray(x) ? x.length : x ? 1 : 0;

/** A startup mistake: one clear line on stderr and exit 1, never a stack trace. */
export function fail(name: string, message: string): never {
  console.error(`${name}: ${message}`);
  Deno.exit(1);
}

/** Make `dir` if needed and check it can be written, or say why not. */
export function checkWritableDir(dir: string, what: string): string | undefined {
  try {
    Deno.mkdirSync(dir, { recursive: true });
    const probe = `${dir}/.dlg-write-test-${Deno.pid}`;
    Deno.writeTextFileSync(probe, "");
    Deno.removeSync(probe);
    return undefined;
  } catch (e) {
    return `cannot use ${what} ${dir}: ${(e as Error).message.replace(/ \(os error.*$/, "")}`;
  }
}

/** Where a manager served with `config` (and TLS or not) is reached from this machine. */
function localUrl(config: CommonConfig, tls: boolean): string {
  const host = config.host === "0.0.0.0" ? "127.0.0.1" : config.host === "::" ? "::1" : config.host;
  return `${tls ? "https" : "http"}://${host.includes(":") ? `[${host}]` : host}:${config.port}`;
}

/**
 * Parse flags shared by every tier, plus `extra`; defaults also come from the environment.
 * `action` is "serve", or DALiuGE's `--status` / `--stop` for the manager at `url`.
 */
export function parseCommon<E extends ParseArgsConfig["options"]>(
  args: string[],
  o: { name: string; defaultPort: number; extra: E },
): {
  config: CommonConfig;
  help: boolean;
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  action: Action;
  timeout: number;
  url: string;
  /** Token, TLS and CA files, read. */
  trust: Trust;
} {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { ...COMMON_OPTIONS, ...o.extra },
      allowPositionals: false,
    });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const f = parsed.values as Record<string, string | boolean | string[] | boolean[] | undefined>;
  const env = (k: string) => Deno.env.get(k);
  const compat = daliugeFlags(f, o.name);
  if ("error" in compat) throw new UsageError(compat.error);
  const root = env("DLG_ROOT") ?? `${home()}/dlg`;
  const r = v.safeParse(ConfigSchema, {
    host: f.host ?? env("DLG_HOST") ?? "127.0.0.1",
    port: f.port ?? env("DLG_PORT") ?? String(o.defaultPort),
    workDir: f["work-dir"] ?? env("DLG_WORK_DIR") ?? `${root}/workspace`,
    root,
    maxRequestSize: f["max-request-size"],
    maxInflatedSize: f["max-inflated-size"] ?? String(16 * Number(f["max-request-size"] ?? 10)),
    maxThreads: f["max-threads"],
    dlmCheckPeriod: f["dlm-check-period"] ?? (f["no-dlm"] ? "0" : undefined),
    dlmCleanupPeriod: f["dlm-cleanup-period"],
    allowedPaths: f["allow-path"] ?? [],
    allowOrigins: f["allow-origin"] ?? [],
    logFormat: f["log-format"] ?? env("DLG_LOG_FORMAT") ?? "text",
    verbosity: count(f.verbose) - count(f.quiet),
    logDir: f["log-dir"],
  });
  if (!r.success) throw new UsageError(r.issues[0].message);
  const config = r.output;
  let trust: Trust;
  try {
    trust = readTrust(f);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  // Read once: the shell and module apps this manager runs do not inherit the token.
  Deno.env.delete("DLG_TOKEN");
  return {
    config,
    help: f.help === true,
    values: f,
    action: compat.action,
    timeout: compat.timeout,
    url: localUrl(config, trust.tls !== undefined),
    trust,
  };
}

/**
 * Serve `manager` (the common routes, plus the tier's own `routes` mounted on them) until
 * SIGINT/SIGTERM or `POST /api/stop`; then stop accepting, stop the manager (cancelling running
 * Drops), close `transport` and resolve to the exit code: 0; 2 when `trust` forbids listening on
 * the host, 1 when it cannot listen (one line on stderr says why). Prints `... listening on http(s)://HOST:PORT` first.
 */
export async function serveManager(
  manager: DropManager,
  config: CommonConfig,
  o: {
    name: string;
    routes: Hono[];
    trust: Trust;
    transport?: { close(): void };
    /** The metrics the manager's transport already counts with (default: new ones). */
    metrics?: Metrics;
    /** `--register`: join the parent once listening, leave it first when stopping. */
    announce?: Announcer;
  },
): Promise<number> {
  const { name, trust } = o;
  setupLogging({ verbosity: config.verbosity, format: config.logFormat as LogFormat });
  const log = getLogger(["dlg", manager.kind]);
  let seen: Observed | undefined;
  const end = async (code: number) => {
    await o.announce?.stop();
    seen?.stop();
    await manager.stop();
    o.transport?.close();
    return code;
  };
  const refusal = exposureRefusal(name, config.host, trust);
  if (refusal) {
    console.error(refusal);
    return await end(2);
  }
  try {
    seen = observe(manager, {
      name,
      metrics: o.metrics ?? new Metrics(manager.kind),
      logDir: config.logDir,
    });
  } catch (e) {
    console.error(`${name}: ${(e as Error).message}`);
    return await end(1);
  }
  const ac = new AbortController();
  const app = createApp(manager, {
    maxRequestSize: config.maxRequestSize,
    maxInflatedSize: config.maxInflatedSize,
    allowOrigins: config.allowOrigins,
    token: trust.token,
    loopbackOnly: isLoopback(config.host),
    onStop: () => ac.abort(),
    use: seen.use,
  });
  for (const routes of [...seen.routes, ...o.routes]) app.route("/", routes);
  const scheme = trust.tls ? "https" : "http";
  const observed = seen;
  let server: Deno.HttpServer;
  try {
    server = Deno.serve({
      hostname: config.host,
      port: config.port,
      signal: ac.signal,
      ...trust.tls,
      onListen: ({ hostname, port }) => {
        const host = hostname.includes(":") ? `[${hostname}]` : hostname;
        observed.listening(hostname, port);
        console.log(`${name} listening on ${scheme}://${host}:${port}`);
        o.announce?.start(port);
        if (trust.token === undefined && !isLoopback(config.host)) {
          console.error(
            `${name}: no token (--insecure): anyone reaching port ${port} can run commands`,
          );
        }
        log.info("{name} started: pid {pid}, {kind} manager, logs {format}{dir}", {
          name,
          pid: Deno.pid,
          kind: manager.kind,
          format: config.logFormat,
          dir: config.logDir ? `, session logs in ${config.logDir}` : "",
        });
      },
    }, app.fetch);
  } catch (e) {
    // A port in use, a certificate that does not match its key: one line, exit 1.
    const why = e instanceof Deno.errors.AddrInUse
      ? "the address is already in use (is another manager running there? pick another -P)"
      : (e as Error).message.replace(/ \(os error.*$/, "");
    console.error(`${name}: cannot listen on ${config.host}:${config.port}: ${why}`);
    return await end(1);
  }
  const stop = () => ac.abort();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  log.info("{name} stopping", { name });
  return await end(0);
}
