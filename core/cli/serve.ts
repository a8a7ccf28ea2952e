/**
 * What every tier's entry shares: common flags, serving a manager, and a clean stop on
 * SIGINT/SIGTERM or `POST /api/stop`.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";
import type { DropManager } from "../manager/mod.ts";
import { createApp, MB } from "../rest/mod.ts";

export const COMMON_OPTIONS = {
  host: { type: "string", short: "H" },
  port: { type: "string", short: "P" },
  "work-dir": { type: "string", short: "w" },
  "max-request-size": { type: "string", short: "m" },
  "max-threads": { type: "string", short: "t" },
  "dlm-check-period": { type: "string" },
  "dlm-cleanup-period": { type: "string" },
  help: { type: "boolean", short: "h" },
} as const satisfies ParseArgsConfig["options"];

export interface CommonConfig {
  host: string;
  port: number;
  workDir: string;
  root: string;
  maxRequestSize: number;
  maxThreads: number;
  dlmCheckPeriod: number;
  dlmCleanupPeriod: number;
}

/** A bad flag: the entry prints it and the usage, then exits 2. */
export class UsageError extends Error {}

function num(name: string, raw: string | undefined, def: number, min = 0): number {
  if (raw === undefined || raw === "") return def;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`--${name} must be a number >= ${min}`);
  return n;
}

function home(): string {
  return Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".";
}

/** Parse flags shared by every tier, plus `extra`; defaults also come from the environment. */
export function parseCommon<E extends ParseArgsConfig["options"]>(
  args: string[],
  defaultPort: number,
  extra: E,
) {
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: false });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const f = parsed.values as Record<string, string | boolean | undefined>;
  const env = (k: string) => Deno.env.get(k);
  const root = env("DLG_ROOT") ?? `${home()}/dlg`;
  const port = num("port", f.port as string ?? env("DLG_PORT"), defaultPort);
  if (!Number.isInteger(port) || port > 65535) throw new UsageError("--port must be 0..65535");
  const config: CommonConfig = {
    host: (f.host as string | undefined) ?? env("DLG_HOST") ?? "127.0.0.1",
    port,
    workDir: (f["work-dir"] as string | undefined) ?? env("DLG_WORK_DIR") ?? `${root}/workspace`,
    root,
    maxRequestSize: num("max-request-size", f["max-request-size"] as string, 10, 0.001) * MB,
    maxThreads: num("max-threads", f["max-threads"] as string, navigator.hardwareConcurrency, 1),
    dlmCheckPeriod: num("dlm-check-period", f["dlm-check-period"] as string, 10),
    dlmCleanupPeriod: num("dlm-cleanup-period", f["dlm-cleanup-period"] as string, 30),
  };
  return { config, help: f.help === true, values: f };
}

/**
 * Serve `manager` until SIGINT/SIGTERM or `POST /api/stop`; then stop accepting, stop the
 * manager (cancelling running Drops) and exit 0. Prints `... listening on http://HOST:PORT` first.
 */
export async function serveManager(
  manager: DropManager,
  config: CommonConfig,
  name: string,
): Promise<void> {
  const ac = new AbortController();
  const app = createApp(manager, {
    maxRequestSize: config.maxRequestSize,
    onStop: () => ac.abort(),
  });
  const server = Deno.serve({
    hostname: config.host,
    port: config.port,
    signal: ac.signal,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      console.log(`${name} listening on http://${host}:${port}`);
    },
  }, app.fetch);
  const stop = () => ac.abort();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await server.finished;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  await manager.stop();
}
