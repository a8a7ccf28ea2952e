/**
 * `deno task bench`: DESIGN §4's scenarios. Prints a table (scenario, figure, target, result)
 * and writes JSON to tests/bench/results/latest.json. `--only NAME` runs matching scenarios;
 * `--token` runs them with a cluster token on (the one-node and status rows send it).
 * Each scenario runs in a fresh process, so one scenario's heap and JIT state (the in-process
 * node of one row, the client side of another) never weigh on the next.
 */
import { parseArgs } from "node:util";
import { DEFAULT_TOOL, printTable, type Row } from "./_report.ts";
import { oneNode, oneNodeMillion } from "./one_node.ts";
import { ensureWrk, statusUnderLoad } from "./status_load.ts";
import { sharedMemoryBandwidth, statusLatencyWhileBusy } from "./workers.ts";
import { hierarchy } from "./hierarchy.ts";
import { remoteRead } from "./remote_read.ts";
import { ingest, ingestCluster } from "./ingest.ts";
import { ingestLatency } from "./ingest_latency.ts";
import { eventLatency } from "./events.ts";
import { pythonCalls, pythonHelloLarge, pythonNpy } from "./python.ts";

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
};

/** One scenario in a child process; its rows come back as the last line of its stdout. */
async function runIsolated(name: string, token: boolean): Promise<Row[]> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL(import.meta.url).pathname, "--scenario", name],
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

async function main() {
  const { values } = parseArgs({
    options: {
      only: { type: "string" },
      scenario: { type: "string" },
      token: { type: "boolean" },
    },
  });
  if (values.scenario) {
    const run = SCENARIOS[values.scenario];
    if (!run) throw new Error(`no scenario ${values.scenario}`);
    console.log(JSON.stringify(await run()));
    return;
  }
  const rows: Row[] = [];
  if (!values.only || "status-load".includes(values.only)) {
    await ensureWrk((line) => console.error(line));
  }
  for (const name of Object.keys(SCENARIOS)) {
    if (values.only && !name.includes(values.only)) continue;
    console.error(`running ${name} ...`);
    // Time for the machine to settle: on this VM, memory a scenario freed is slow to reuse for
    // some seconds (the hierarchy row measured 37k Drops/s right after the worker rows, 45k alone).
    if (rows.length) await new Promise((r) => setTimeout(r, 8000));
    try {
      rows.push(...await runIsolated(name, values.token === true));
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
    rows: rows.map((r) => ({ ...r, tool: r.tool ?? DEFAULT_TOOL })),
  };
  await Deno.writeTextFile(new URL("latest.json", dir), JSON.stringify(out, null, 2) + "\n");
  console.error(`wrote ${new URL("latest.json", dir).pathname}`);
  const failed = rows.filter((r) => !r.pass).length;
  if (failed) {
    console.error(`${failed} row(s) failed`);
    Deno.exit(1);
  }
}

if (import.meta.main) await main();
