/** dlg: the command-line client for dlg-node, dlg-island and dlg-master (or DALiuGE's managers). */
import { parseArgs } from "node:util";
import { BaseManagerClient, DEFAULT_PART_BYTES } from "../core/client/mod.ts";
import { readFlagFile, readToken } from "../core/cli/trust.ts";
import {
  actionCommand,
  graphStatusCommand,
  type Out,
  sessionsCommand,
  statusCommand,
  submitCommand,
} from "../core/cli/dlg_commands.ts";
import { dropCommand, logsCommand } from "../core/cli/dlg_inspect.ts";
import { managerUrl } from "../core/cli/dlg_target.ts";

export function printUsage(): void {
  console.log(`Usage: dlg COMMAND [options]

Commands:
  submit GRAPH.json     create a session, append the graph in parts, deploy it with its
                        roots completed; prints the session id (GRAPH may be .json.gz or -)
  sessions              list the manager's sessions
  status SID            a session's state (and each child's at an island or master)
  graph-status SID      a session's Drops by state
  logs SID [OID]        the session's log (merged from every node at an island or master),
                        or one Drop's log lines and error
  drop SID OID          one Drop's state, error and log
  cancel SID            cancel a running session
  delete SID            delete a session (cancelling it first if it runs)

Options:
  -m, --manager URL     manager to talk to: host[:port] or http(s)://host[:port]
                        (default $DLG_MANAGER, else localhost:8000)
  -s, --session ID      submit: the session id (default: made from the file name and time)
  -w, --wait            submit: show a progress bar of Drops by state until the session
                        ends, then the failed Drops with their errors; exit code 0 only
                        when it FINISHED
      --part-size MB    submit: largest graph/append body (default ${DEFAULT_PART_BYTES / 2 ** 20})
      --compress        submit: zlib-compress append bodies (as DALiuGE's Python client)
      --interval S      submit --wait: seconds between progress updates (default 0.5;
                        between polls against a manager without an event stream)
      --token-file FILE the cluster token (first line of FILE; default $DLG_TOKEN), sent
                        as "Authorization: Bearer <token>"
      --ca-file FILE    PEM CA certificates to trust for an https:// manager
  -j, --json            JSON on stdout, for scripts
  -T, --timeout S       seconds to wait for each answer (default 60)
  -h, --help            this help

Exit codes: 0 success, 1 error (or a session that did not finish), 2 bad usage.`);
}

class UsageError extends Error {}

const OPTIONS = {
  manager: { type: "string", short: "m" },
  session: { type: "string", short: "s" },
  wait: { type: "boolean", short: "w" },
  "part-size": { type: "string" },
  compress: { type: "boolean" },
  interval: { type: "string" },
  "token-file": { type: "string" },
  "ca-file": { type: "string" },
  json: { type: "boolean", short: "j" },
  timeout: { type: "string", short: "T" },
  help: { type: "boolean", short: "h" },
} as const;

const ARITY: Record<string, number> = {
  submit: 1,
  sessions: 0,
  status: 1,
  "graph-status": 1,
  logs: 1,
  drop: 2,
  cancel: 1,
  delete: 1,
};

function positive(name: string, raw: string | undefined, def: number): number {
  if (raw === undefined) return def;
  const n = Number(raw);
  if (!raw.trim() || !Number.isFinite(n) || n <= 0) {
    throw new UsageError(`--${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return n;
}

function parse(args: string[]) {
  let p;
  try {
    p = parseArgs({ args, options: OPTIONS, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional.*$/s, ""));
  }
  const f = p.values;
  const [command, ...rest] = p.positionals;
  if (f.help) return { help: true as const };
  if (!command) throw new UsageError("a command is needed");
  const arity = ARITY[command];
  if (arity === undefined) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const extra = command === "logs" ? 1 : 0; // logs SID [OID]
  if (rest.length < arity || rest.length > arity + extra) {
    const what = command === "submit"
      ? "a graph file"
      : command === "drop"
      ? "a session id and a Drop oid"
      : command === "logs"
      ? "a session id and maybe a Drop oid"
      : arity
      ? "a session id"
      : "no arguments";
    throw new UsageError(`${command} takes ${what}`);
  }
  let manager;
  try {
    manager = managerUrl(f.manager ?? Deno.env.get("DLG_MANAGER") ?? "localhost:8000");
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (command !== "submit") {
    for (const k of ["session", "wait", "part-size", "compress", "interval"] as const) {
      if (f[k] !== undefined) throw new UsageError(`--${k} is only for submit`);
    }
  }
  return {
    help: false as const,
    command,
    arg: rest[0] ?? "",
    arg2: rest[1],
    manager,
    json: f.json === true,
    tokenFile: f["token-file"],
    caFile: f["ca-file"],
    timeoutMs: positive("timeout", f.timeout, 60) * 1000,
    submit: {
      graph: rest[0] ?? "",
      sessionId: f.session,
      wait: f.wait === true,
      partBytes: Math.floor(
        positive("part-size", f["part-size"], DEFAULT_PART_BYTES / 2 ** 20) * 2 ** 20,
      ),
      compress: f.compress === true,
      intervalMs: positive("interval", f.interval, 0.5) * 1000,
    },
  };
}

const enc = new TextEncoder();

export async function main(args = Deno.args): Promise<number> {
  let p;
  try {
    p = parse(args);
  } catch (e) {
    console.error(`dlg: ${(e as Error).message} (dlg --help shows the usage)`);
    return 2;
  }
  if (p.help) return printUsage(), 0;
  const o: Out = {
    json: p.json,
    out: (line) => console.log(line),
    err: (text) => void Deno.stderr.writeSync(enc.encode(text)),
    tty: Deno.stderr.isTerminal(),
    columns: () => {
      try {
        return Deno.consoleSize().columns;
      } catch {
        return 80;
      }
    },
  };
  let c: BaseManagerClient;
  try {
    c = new BaseManagerClient(p.manager, 8000, {
      timeoutMs: p.timeoutMs,
      token: readToken(p.tokenFile),
      caCerts: p.caFile === undefined ? undefined : [readFlagFile("--ca-file", p.caFile)],
    });
  } catch (e) {
    console.error(`dlg: ${(e as Error).message} (dlg --help shows the usage)`);
    return 2;
  }
  try {
    switch (p.command) {
      case "submit":
        return await submitCommand(c, p.submit, o);
      case "sessions":
        return await sessionsCommand(c, o);
      case "status":
        return await statusCommand(c, p.arg, o);
      case "graph-status":
        return await graphStatusCommand(c, p.arg, o);
      case "logs":
        return await logsCommand(c, p.arg, p.arg2, o);
      case "drop":
        return await dropCommand(c, p.arg, p.arg2 ?? "", o);
      default:
        return await actionCommand(c, p.arg, p.command as "cancel" | "delete", o);
    }
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`dlg: ${msg.split("\n")[0]}`);
    return 1;
  } finally {
    c.close();
  }
}

if (import.meta.main) Deno.exit(await main());
