/**
 * `deno task bench`: DESIGN §4's scenarios. Prints a table (scenario, figure, target, result)
 * and writes JSON to tests/bench/results/latest.json. `--only NAME` runs matching scenarios.
 */
import { parseArgs } from "node:util";
import { printTable, type Row } from "./_report.ts";
import { oneNode, oneNodeMillion } from "./one_node.ts";
import { statusUnderLoad } from "./status_load.ts";
import { sharedMemoryBandwidth, statusLatencyWhileBusy } from "./workers.ts";
import { hierarchy } from "./hierarchy.ts";
import { remoteRead } from "./remote_read.ts";
import { ingest, ingestCluster } from "./ingest.ts";

const SCENARIOS: Record<string, () => Promise<Row[]>> = {
  "one-node-100k": () => oneNode(100_000, "100k"),
  "one-node-1m": oneNodeMillion,
  "status-load": statusUnderLoad,
  "workers-shared-memory": () => sharedMemoryBandwidth(),
  "workers-status-busy": () => statusLatencyWhileBusy(),
  "hierarchy": () => hierarchy(),
  "remote-read": () => remoteRead(),
  "ingest-node": () => ingest(),
  "ingest-cluster": () => ingestCluster(),
};

async function main() {
  const { values } = parseArgs({ options: { only: { type: "string" } } });
  const rows: Row[] = [];
  for (const [name, run] of Object.entries(SCENARIOS)) {
    if (values.only && !name.includes(values.only)) continue;
    console.error(`running ${name} ...`);
    try {
      rows.push(...await run());
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
    rows,
  };
  await Deno.writeTextFile(new URL("latest.json", dir), JSON.stringify(out, null, 2) + "\n");
  console.error(`wrote ${new URL("latest.json", dir).pathname}`);
}

if (import.meta.main) await main();
