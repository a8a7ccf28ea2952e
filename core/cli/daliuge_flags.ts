/**
 * The flags of DALiuGE's `dlg nm|dim|mm` (reference §6.5), so that existing deploy scripts start
 * our tiers unchanged. `--status` and `--stop` act on a manager already running at HOST:PORT;
 * `--no-dlm` turns memory-Drop expiry off; `--daemon` is refused; the rest have no meaning here
 * and are named on stderr, never silently dropped.
 */
import type { ParseArgsConfig } from "node:util";
import { RestClient, type Transport, type TrustOptions } from "../client/mod.ts";
import { API_PATH, STOP_PATH } from "../wire/mod.ts";

export const DALIUGE_OPTIONS = {
  status: { type: "boolean" },
  stop: { type: "boolean", short: "s" },
  timeout: { type: "string", short: "T" },
  "no-dlm": { type: "boolean" },
  daemon: { type: "boolean", short: "d" },
  verbose: { type: "boolean", short: "v", multiple: true },
  quiet: { type: "boolean", short: "q", multiple: true },
  "log-dir": { type: "string", short: "l" },
  "no-log-ids": { type: "boolean", short: "I" },
  "local-time": { type: "boolean" },
  watchdog: { type: "boolean" },
  processes: { type: "boolean", short: "p" },
  "dlm-enable-replication": { type: "boolean" },
  "dlg-path": { type: "string" },
  "error-listener": { type: "string" },
  "event-listeners": { type: "string" },
  rpc_port: { type: "string" },
  event_port: { type: "string" },
  "ssh-pkey-path": { type: "string", short: "k" },
  dmCheckTimeout: { type: "string" },
  dump_graphs: { type: "boolean" },
} as const satisfies ParseArgsConfig["options"];

/** The usage lines for these flags. */
export const DALIUGE_USAGE = `
DALiuGE's dlg nm|dim|mm flags are accepted too:
      --status                 exit 0 if a manager answers at HOST:PORT, else 1
  -s, --stop                   stop the manager at HOST:PORT (exit 0 if it stops)
  -T, --timeout S              for --status and --stop (default 10)
      --no-dlm                 same as --dlm-check-period 0
  -v, --verbose                more log lines on stderr (-vv: all); -q, --quiet fewer (-qq)
  -l, --log-dir DIR            also write one log file per session in DIR
                               (GET /api/sessions/<sid>/logs returns it)
      --log-format text|json   stderr log lines as text (default) or JSON lines
  -I, -p, --rpc_port, --event_port, ... accepted and named on stderr as having no
                               effect here; -d/--daemon is refused`;

/** Why each accepted DALiuGE flag changes nothing here. */
const IGNORED: Record<string, string> = {
  "no-log-ids": "log lines carry no thread ids here",
  "local-time": "log times are UTC",
  watchdog: "restarts are the service manager's job",
  processes: "module apps run in the worker pool, bash apps as processes",
  "dlm-enable-replication": "there is no replication",
  "dlg-path": "module apps come from --app-root",
  "error-listener": "Python listeners cannot load here",
  "event-listeners": "Python listeners cannot load here",
  rpc_port: "events and Drop data use the REST port",
  event_port: "events and Drop data use the REST port",
  "ssh-pkey-path": "children are reached over HTTP",
  dmCheckTimeout: "children are health-checked every --check-period",
  dump_graphs: "GET /api/sessions/<sid>/graph returns the graph",
};

/** What a command line asks for: serve, or act on the manager already at HOST:PORT. */
export type Action = "serve" | "status" | "stop";

/**
 * The action and the `-T` timeout (s), or what is wrong with the flags; a line on stderr per flag
 * that does nothing here.
 */
export function daliugeFlags(
  values: Record<string, unknown>,
  name: string,
): { action: Action; timeout: number } | { error: string } {
  if (values.daemon) {
    return { error: "--daemon is not supported: run it under a service manager, or with '&'" };
  }
  const timeout = Number(values.timeout ?? 10);
  if (!Number.isFinite(timeout) || timeout <= 0) return { error: "--timeout must be a number > 0" };
  for (const [flag, why] of Object.entries(IGNORED)) {
    if (values[flag] !== undefined) console.error(`${name}: --${flag} ignored (${why})`);
  }
  const action = values.status ? "status" : values.stop ? "stop" : "serve";
  return { action, timeout };
}

/**
 * `--status`: 0 when a manager answers `GET /api` at `url` within `timeout` s, else 1.
 * `--stop`: 0 when it accepted `POST /api/stop`, else 1. Both send the token and trust the CAs
 * of `--token-file`/`DLG_TOKEN` and `--ca-file`, as the manager's other calls do.
 */
export async function runAction(
  action: "status" | "stop",
  url: string,
  timeout: number,
  o: TrustOptions & { transport?: Transport } = {},
): Promise<number> {
  const { token, caCerts, caFile, transport } = o;
  const client = new RestClient(url, {
    token,
    caCerts,
    caFile,
    transport,
    timeoutMs: timeout * 1000,
  });
  try {
    const r = action === "status"
      ? await client.raw("GET", API_PATH)
      : await client.raw("POST", STOP_PATH);
    await r.body?.cancel();
    return r.ok ? 0 : 1;
  } catch {
    return 1;
  } finally {
    client.close();
  }
}
