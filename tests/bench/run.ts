/**
 * `deno task bench`: DESIGN §4's scenarios. Prints a table (scenario, figure, target, result)
 * and writes JSON to tests/bench/results/latest.json (exit code 1 when a row fails). See USAGE.
 * Each scenario runs in a fresh process, so one scenario's heap and JIT state (the in-process
 * node of one row, the client side of another) never weigh on the next.
 */
import { parseArgs } from "node:util";
import { DEFAULT_TOOL, DESIGN_TABLE, printTable, type Row } from "./_report.ts";
import { oneNode, oneNodeMillion } from "./one_node.ts";
import { ensureWrk, statusUnderLoad } from "./status_load.ts";
import { sharedMemoryBandwidth, statusLatencyWhileBusy } from "./workers.ts";
import { hierarchy } from "./hierarchy.ts";
import { remoteRead } from "./remote_read.ts";
import { ingest, ingestCluster } from "./ingest.ts";
import { ingestLatency } from "./ingest_latency.ts";
import { eventLatency } from "./events.ts";
import { pythonCalls, pythonHelloLarge, pythonNpy } from "./python.ts";
import { scale } from "./scale.ts";
import { uiScale } from "./ui.ts";

const USAGE = `deno task bench [options]

DESIGN §4's benchmark rows, each scenario in a fresh process; prints a table and writes
tests/bench/results/latest.json (scale.json for --scale); exits 1 when a row fails.

  --only NAME     run only the scenarios whose name contains NAME
  --token         run with a cluster token on (managers require it, clients send it)
  --scale [N]     only the scale run: N Drops (default 10000000) over master -> 2 islands ->
                  4 nodes, target FINISHED within 3 min and 24 GB (sum of the tiers' peak RSS)
  --part-bytes N  with --scale: largest append body sent to the master (default: dlg submit's)
  --heap MB       with --scale: V8 old-space limit of every tier (default 16384; Deno's own
                  default on this 24 GB machine is about 4 GB)
  --give-up S     with --scale: stop and report how far it got after S seconds (default 1200)
  -h, --help      this text

scenarios: `;

const SCENARIOS: Record<string, () => Promise<Row[]>> = {
  "one-node-100k": () => oneNode(100_000, "100k"),
  "status-load": statusUnderLoad,
  "event-latency": eventLatency,
  "workers-shared-memory": () => sharedMemoryBandwidth(),
  "workers-status-busy": () => statusLatencyWhileBusy(),
  "hierarchy": () => hierarchy(),
  "remote-read": () => remoteRead(),
  "ingest-node": () => ingest(),
  "ingest-cluster": () => ingestCluster(),
  "ingest-latency": () => ingestLatency(),
  "python-calls": () => pythonCalls(),
  "python-npy": () => pythonNpy(),
  "python-hello-large": () => pythonHelloLarge(),
  // Last: for some seconds after its 1.3 GB node exits, this VM pages memory back in slowly,
  // which showed as 10-20 ms p99 spikes in the status row when it ran next.
  "one-node-1m": oneNodeMillion,
  // The web UI with a 1M-Drop session (issue 17; its targets are not DESIGN §4 rows).
  "ui-1m": () => uiScale(),
};

/** One scenario in a child process; its rows come back as the last line of its stdout. */
async function runIsolated(name: string, token: boolean, args: string[] = []): Promise<Row[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--scenario", name, ...args],
    stdout: "piped",
    stderr: "inherit",
    // With --token every manager the scenario starts requires one (inherited as DLG_TOKEN), and
    // its clients send it.
    env: token ? { DLG_TOKEN: crypto.randomUUID() } : {},
  }).spawn();
  const out = await child.output();
  const last = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success || !last.startsWith("[")) throw new Error(`exit code ${out.code}`);
  return JSON.parse(last) as Row[];
}

function parse() {
  const { values, positionals } = parseArgs({
    options: {
      only: { type: "string" },
      scenario: { type: "string" },
      token: { type: "boolean" },
      scale: { type: "boolean" },
      "part-bytes": { type: "string" },
      heap: { type: "string" },
      "give-up": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: true,
  });
  const count = (s: string | undefined, what: string) => {
    const n = Number(s);
    if (s === undefined) return undefined;
    if (!Number.isInteger(n) || n < 10) throw new Error(`${what}: not a count: ${s}`);
    return n;
  };
  if (positionals.length > (values.scale ? 1 : 0)) {
    throw new Error(`unexpected argument ${positionals.at(-1)} (see --help)`);
  }
  const drops = count(positionals[0], "--scale") ?? 10_000_000;
  return {
    ...values,
    drops,
    partBytes: count(values["part-bytes"], "--part-bytes"),
    heap: count(values.heap, "--heap"),
    giveUp: count(values["give-up"], "--give-up"),
  };
}

async function main() {
  let values;
  try {
    values = parse();
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(USAGE + Object.keys(SCENARIOS).join(", "));
    return;
  }
  if (values.scenario) {
    const run = values.scenario === "scale"
      ? () =>
        scale(values.drops, {
          partBytes: values.partBytes,
          heapMb: values.heap,
          giveUpMs: values.giveUp && values.giveUp * 1000,
        })
      : SCENARIOS[values.scenario];
    if (!run) throw new Error(`no scenario ${values.scenario}`);
    console.log(JSON.stringify(await run()));
    return;
  }
  const rows: Row[] = [];
  const scaleArgs = [
    String(values.drops),
    ...(values.partBytes ? ["--part-bytes", String(values.partBytes)] : []),
    ...(values.heap ? ["--heap", String(values.heap)] : []),
    ...(values.giveUp ? ["--give-up", String(values.giveUp)] : []),
  ];
  const names = values.scale ? ["scale"] : Object.keys(SCENARIOS);
  if (!values.scale && (!values.only || "status-load".includes(values.only))) {
    await ensureWrk((line) => console.error(line));
  }
  for (const name of names) {
    if (values.only && !name.includes(values.only)) continue;
    console.error(`running ${name} ...`);
    // Time for the machine to settle: on this VM, memory a scenario freed is slow to reuse for
    // some seconds (the hierarchy row measured 37k Drops/s right after the worker rows, 45k alone).
    if (rows.length) await new Promise((r) => setTimeout(r, 8000));
    try {
      const args = name === "scale" ? ["--scale", ...scaleArgs] : [];
      rows.push(...await runIsolated(name, values.token === true, args));
    } catch (e) {
      console.error(`${name} failed:`, e);
      rows.push({ scenario: name, figure: NaN, unit: "", target: "runs", pass: false });
    }
  }
  printTable(rows);
  const dir = new URL("./results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const out = {
    date: new Date().toISOString(),
    deno: Deno.version.deno,
    cores: navigator.hardwareConcurrency,
    rows: rows.map((r) => ({ ...r, tool: r.tool ?? DEFAULT_TOOL, from: r.from ?? DESIGN_TABLE })),
  };
  // The scale run keeps its own file: latest.json stays the default run's.
  const file = new URL(values.scale ? "scale.json" : "latest.json", dir);
  await Deno.writeTextFile(file, JSON.stringify(out, null, 2) + "\n");
  console.error(`wrote ${file.pathname}`);
  const failed = rows.filter((r) => !r.pass).length;
  if (failed) {
    console.error(`${failed} row(s) failed`);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
