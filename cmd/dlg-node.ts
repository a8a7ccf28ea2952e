/** dlg-node: the Node Drop Manager. Creates and runs Drops on this compute node. */
import { NodeManager } from "../core/manager/mod.ts";
import {
  checkWritableDir,
  fail,
  parseCommon,
  serveManager,
  UsageError,
} from "../core/cli/serve.ts";
import { Metrics } from "../core/metrics/mod.ts";
import { DALIUGE_USAGE, runAction } from "../core/cli/daliuge_flags.ts";
import { TRUST_USAGE } from "../core/cli/trust.ts";
import { createTransport } from "../core/client/mod.ts";
import { nodeRoutes } from "../core/rest/mod.ts";
import {
  type Announcer,
  announcerFromFlags,
  REGISTER_OPTIONS,
  registerUsage,
} from "../core/cli/register.ts";

export function printUsage(): void {
  console.log(`Usage: dlg-node [options]

The Node Drop Manager: serves DALiuGE's REST API (/api/...) and runs the Drops of
the physical graphs submitted to it.

Options:
  -H, --host HOST              interface to listen on (default 127.0.0.1, env DLG_HOST)
  -P, --port PORT              port (default 8000; 0 picks a free one, env DLG_PORT)
  -w, --work-dir DIR           session directories (default $DLG_ROOT/workspace,
                               else ~/dlg/workspace)
  -m, --max-request-size MB    largest request body (default 10)
      --max-inflated-size MB   largest append body once a gzip/zlib body is inflated
                               (default 16 times -m; 413 as soon as it passes)
      --allow-origin ORIGIN    a web page origin (e.g. EAGLE's) that may change state
                               besides this manager's own and http://dlg-tm.localhost
                               (repeatable; others get 403)
  -t, --max-threads N          worker-pool size (default: number of cores)
      --app-root DIR           also allow module apps (dlg.apps.js.ModuleApp) from DIR
                               (repeatable; env DLG_APP_ROOTS, ':'-separated); the work
                               dir is always allowed
      --dlm-check-period S     seconds between memory-Drop expiry checks (default 10, 0: off)
      --dlm-cleanup-period S   seconds from EXPIRED to DELETED (default 30)
      --allow-path DIR         let file Drops use DIR besides the session directory
                               (repeatable; absolute paths)
      --python PATH            the python3 PyFuncApp Drops run in (default python3,
                               env DLG_PYTHON)
      --py-workers N           python worker processes (default: number of cores)
      --py-path DIR            put DIR on the workers' PYTHONPATH, before the
                               environment's (repeatable)
      --event-retry S          seconds an event to another node is retried (backoff with
                               jitter) before it is given up; one the node refuses fails
                               the Drop waiting there, with why (default 60;
                               env DLG_EVENT_RETRY)${registerUsage("island")}${TRUST_USAGE}
  -h, --help                   this help
${DALIUGE_USAGE}

The first line printed is "dlg-node listening on http(s)://HOST:PORT".`);
}

export async function main(args = Deno.args): Promise<void> {
  let parsed;
  try {
    parsed = parseCommon(args, {
      name: "dlg-node",
      defaultPort: 8000,
      extra: {
        "app-root": { type: "string", multiple: true },
        python: { type: "string" },
        "py-workers": { type: "string" },
        "py-path": { type: "string", multiple: true },
        "event-retry": { type: "string" },
        ...REGISTER_OPTIONS,
      },
    });
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`dlg-node: ${e.message}`);
    printUsage();
    Deno.exit(2);
  }
  if (parsed.help) return printUsage();
  if (parsed.action !== "serve") {
    Deno.exit(await runAction(parsed.action, parsed.url, parsed.timeout, parsed.trust));
  }
  const c = parsed.config;
  const eventRetry = Number(parsed.values["event-retry"] ?? Deno.env.get("DLG_EVENT_RETRY") ?? 60);
  if (!Number.isFinite(eventRetry) || eventRetry < 0) {
    console.error("dlg-node: --event-retry must be a number >= 0");
    printUsage();
    Deno.exit(2);
  }
  const flagRoots = parsed.values["app-root"] as unknown as string[] | undefined;
  const appRoots = flagRoots ?? (Deno.env.get("DLG_APP_ROOTS") ?? "").split(":").filter(Boolean);
  const pyWorkers = Number(parsed.values["py-workers"] ?? navigator.hardwareConcurrency);
  if (!Number.isInteger(pyWorkers) || pyWorkers < 1) {
    console.error("dlg-node: --py-workers must be an integer >= 1");
    printUsage();
    Deno.exit(2);
  }
  const bad = checkWritableDir(c.workDir, "work dir");
  if (bad) fail("dlg-node", bad);
  const metrics = new Metrics("node");
  const transport = metrics.observing(createTransport(parsed.trust));
  let announce: Announcer | undefined;
  try {
    announce = announcerFromFlags(parsed.values, {
      kind: "node",
      host: c.host,
      tls: parsed.trust.tls !== undefined,
      transport,
      name: "dlg-node",
    });
  } catch (e) {
    transport.close();
    console.error(`dlg-node: ${(e as Error).message}`);
    printUsage();
    Deno.exit(2);
  }
  const manager = new NodeManager({
    workDir: c.workDir,
    root: c.root,
    maxThreads: c.maxThreads,
    appRoots,
    dlmCheckPeriod: c.dlmCheckPeriod,
    dlmCleanupPeriod: c.dlmCleanupPeriod,
    allowedPaths: c.allowedPaths,
    python: {
      python: (parsed.values.python as string | undefined) ?? Deno.env.get("DLG_PYTHON"),
      size: pyWorkers,
      paths: parsed.values["py-path"] as unknown as string[] | undefined,
    },
    eventRetry: eventRetry * 1000,
    transport,
  });
  Deno.exit(
    await serveManager(manager, c, {
      name: "dlg-node",
      routes: [nodeRoutes(manager, { maxRequestSize: c.maxRequestSize })],
      trust: parsed.trust,
      transport,
      metrics,
      announce,
    }),
  );
}

if (import.meta.main) main();
