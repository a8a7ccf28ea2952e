/** The shared entry of dlg-island and dlg-master: the node's flags plus `-N/--nodes`. */
import { CompositeManager } from "../manager/mod.ts";
import { compositeRoutes, islandRoutes, masterRoutes } from "../rest/mod.ts";
import { parseCommon, serveManager, UsageError } from "./serve.ts";
import { DALIUGE_USAGE, runAction } from "./daliuge_flags.ts";
import { TRUST_USAGE } from "./trust.ts";
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
                               or https://host:port (default port ${e.childPort}; env DLG_NODES)
  -H, --host HOST              interface to listen on (default 127.0.0.1, env DLG_HOST)
  -P, --port PORT              port (default ${e.port}; 0 picks a free one, env DLG_PORT)
  -m, --max-request-size MB    largest request body (default 10)
      --max-inflated-size MB   largest append body once a gzip/zlib body is inflated
                               (default 16 times -m; 413 as soon as it passes)
      --allow-origin ORIGIN    a web page origin (e.g. EAGLE's) that may change state
                               besides this manager's own and http://dlg-tm.localhost
                               (repeatable; others get 403)
      --check-period S         seconds between health checks of the children (default 2)${TRUST_USAGE}
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
      extra: { nodes: { type: "string", short: "N" }, "check-period": { type: "string" } },
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
  const period = Number(parsed.values["check-period"] ?? 2);
  let manager: CompositeManager;
  const transport = createTransport(parsed.trust);
  try {
    if (!Number.isFinite(period) || period < 0) {
      throw new UsageError("--check-period must be a number >= 0");
    }
    manager = new CompositeManager({
      attr: e.attr,
      children: nodes.split(",").map((x) => x.trim()).filter(Boolean),
      checkPeriod: period,
      transport,
    });
  } catch (err) {
    transport.close();
    console.error(`${e.name}: ${(err as Error).message}`);
    printUsage(e);
    Deno.exit(2);
  }
  const own = e.attr === "node"
    ? islandRoutes(manager, { maxRequestSize: parsed.config.maxRequestSize })
    : masterRoutes(manager);
  Deno.exit(
    await serveManager(manager, parsed.config, {
      name: e.name,
      routes: [compositeRoutes(manager), own],
      trust: parsed.trust,
      transport,
    }),
  );
}
