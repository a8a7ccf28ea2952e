/** The shared entry of dlg-island and dlg-master: the node's flags plus `-N/--nodes`. */
import { CompositeManager } from "../manager/mod.ts";
import { compositeRoutes, islandRoutes, masterRoutes } from "../rest/mod.ts";
import { parseCommon, serveManager, UsageError } from "./serve.ts";
import { MASTER_SEMI_SPACE_MB } from "./spawn.ts";
import { touchYoungGeneration } from "./young_gen.ts";
import { DALIUGE_USAGE, runAction } from "./daliuge_flags.ts";
import { Metrics } from "../metrics/mod.ts";
import { TRUST_USAGE } from "./trust.ts";
import { type Announcer, announcerFromFlags, REGISTER_OPTIONS, registerUsage } from "./register.ts";
import { createTransport } from "../client/mod.ts";

export interface CompositeEntry {
  attr: "node" | "island";
  name: string;
  port: number;
  childPort: number;
}

export function printUsage(e: CompositeEntry): void {
  const kids = e.attr === "node" ? "node managers" : "island managers";
  console.log(`Usage: ${e.name} [options]

The ${e.attr === "node" ? "Data Island" : "Master"} manager: serves DALiuGE's REST API
(/api/...), splits each graph by its Drops' "${e.attr}" attribute and runs it on its ${kids}.

Options:
  -N, --nodes LIST             ${kids}, comma-separated host[:port[:events[:rpc]]]
                               or https://host:port (default port ${e.childPort}; env DLG_NODES;
                               none: they join with --register)
  -H, --host HOST              interface to listen on (default 127.0.0.1, env DLG_HOST)
  -P, --port PORT              port (default ${e.port}; 0 picks a free one, env DLG_PORT)
  -m, --max-request-size MB    largest request body (default 10)
      --max-inflated-size MB   largest append body once a gzip/zlib body is inflated
                               (default 16 times -m; 413 as soon as it passes)
      --allow-origin ORIGIN    a web page origin (e.g. EAGLE's) that may change state
                               besides this manager's own and http://dlg-tm.localhost
                               (repeatable; others get 403)
      --check-period S         seconds between health checks of the children (default 2;
                               env DLG_CHECK_PERIOD; a child that is down is checked less
                               often, up to every 10 s)
      --child-timeout S        seconds a child may not answer before it is down: the
                               sessions with Drops on it FAIL, naming it (default 10;
                               env DLG_CHILD_TIMEOUT)${
    e.attr === "node" ? registerUsage("master") : ""
  }${TRUST_USAGE}
  -h, --help                   this help
${DALIUGE_USAGE}

The first line printed is "${e.name} listening on http(s)://HOST:PORT".`);
}

export async function main(args: string[], e: CompositeEntry): Promise<void> {
  let parsed;
  try {
    parsed = parseCommon(args, {
      name: e.name,
      defaultPort: e.port,
      extra: {
        nodes: { type: "string", short: "N" },
        "check-period": { type: "string" },
        "child-timeout": { type: "string" },
        ...(e.attr === "node" ? REGISTER_OPTIONS : {}),
      },
    });
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${e.name}: ${err.message}`);
    printUsage(e);
    Deno.exit(2);
  }
  if (parsed.help) return printUsage(e);
  if (parsed.action !== "serve") {
    Deno.exit(await runAction(parsed.action, parsed.url, parsed.timeout, parsed.trust));
  }
  const nodes = (parsed.values.nodes as string | undefined) ?? Deno.env.get("DLG_NODES") ?? "";
  const seconds = (flag: string, env: string, def: number, min: number) => {
    const n = Number(parsed.values[flag] ?? Deno.env.get(env) ?? def);
    if (!Number.isFinite(n) || n < min) {
      throw new UsageError(`--${flag} must be a number >= ${min}`);
    }
    return n;
  };
  let manager: CompositeManager;
  let announce: Announcer | undefined;
  const metrics = new Metrics(e.attr === "node" ? "island" : "master");
  const transport = metrics.observing(createTransport(parsed.trust));
  try {
    const checkPeriod = seconds("check-period", "DLG_CHECK_PERIOD", 2, 0);
    const childTimeout = seconds("child-timeout", "DLG_CHILD_TIMEOUT", 10, 0.1);
    manager = new CompositeManager({
      attr: e.attr,
      children: nodes.split(",").map((x) => x.trim()).filter(Boolean),
      checkPeriod,
      childTimeout,
      transport,
    });
    announce = announcerFromFlags(parsed.values, {
      kind: "island",
      host: parsed.config.host,
      tls: parsed.trust.tls !== undefined,
      transport,
      name: e.name,
    });
  } catch (err) {
    transport.close();
    console.error(`${e.name}: ${(err as Error).message} (${e.name} --help shows the usage)`);
    Deno.exit(2);
  }
  // A master's large young generation, touched now rather than in its first append: its two
  // semi-spaces and a little more (nothing waits on this).
  if (e.attr === "island") touchYoungGeneration(MASTER_SEMI_SPACE_MB * 2.5);
  const own = e.attr === "node"
    ? islandRoutes(manager, { maxRequestSize: parsed.config.maxRequestSize })
    : masterRoutes(manager);
  Deno.exit(
    await serveManager(manager, parsed.config, {
      name: e.name,
      routes: [compositeRoutes(manager), own],
      trust: parsed.trust,
      transport,
      metrics,
      announce,
    }),
  );
}
