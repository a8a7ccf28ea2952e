/**
 * `deno task demo`: a local cluster (master -> island -> 2 nodes, free ports), one sample graph
 * that crosses nodes, its progress and its result. Everything stops on exit or Ctrl-C.
 */
import { MasterManagerClient } from "../core/client/mod.ts";
import { graphRoots } from "../core/graph/mod.ts";
import { type Spawned, spawnTier } from "../core/cli/spawn.ts";

const GRAPH = new URL("./cluster_demo.graph.json", import.meta.url);
const cmd = (tier: string) => new URL(`../cmd/${tier}.ts`, import.meta.url).pathname;
const NAMES = [
  "INITIALIZED",
  "WRITING",
  "COMPLETED",
  "ERROR",
  "EXPIRED",
  "DELETED",
  "CANCELLED",
  "SKIPPED",
];

/** Point the graph's symbolic `n1, n2, i1` at the managers just started. */
export function placeGraph(graph: Record<string, unknown>[], map: Record<string, string>) {
  return graph.map((d) => {
    const out = { ...d };
    for (const k of ["node", "island"]) {
      const v = out[k];
      if (typeof v === "string" && map[v]) out[k] = map[v];
    }
    return out;
  });
}

function flat(status: unknown): number[] {
  if (typeof status === "number") return [status];
  return Object.values(status as Record<string, unknown>).flatMap(flat);
}

async function main(): Promise<void> {
  const procs: Spawned[] = [];
  const workDir = await Deno.makeTempDir({ prefix: "dlg-demo-" });
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    stopping ??= Promise.all(procs.map((p) => p.stop()))
      .then(() => Deno.remove(workDir, { recursive: true }))
      .catch(() => {});
  const onSignal = () => {
    console.log("\nstopping the cluster ...");
    stopAll().then(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    const launch = async (tier: string, args: string[]) => {
      const p = await spawnTier(cmd(tier), args);
      procs.push(p);
      return p;
    };
    const nodes = await Promise.all(
      ["n1", "n2"].map((n) => launch("dlg-node", ["-w", `${workDir}/${n}`])),
    );
    const island = await launch("dlg-island", ["-N", nodes.map((n) => n.hostPort).join(",")]);
    const master = await launch("dlg-master", ["-N", island.hostPort]);
    console.log(`master  ${master.url}\nisland  ${island.url}`);
    nodes.forEach((n, i) => console.log(`node n${i + 1} ${n.url}`));

    const raw = JSON.parse(await Deno.readTextFile(GRAPH)) as Record<string, unknown>[];
    const graph = placeGraph(raw, {
      n1: nodes[0]!.hostPort,
      n2: nodes[1]!.hostPort,
      i1: island.hostPort,
    });
    const m = new MasterManagerClient(master.url);
    const sid = `demo-${Date.now()}`;
    await m.createSession(sid);
    await m.appendGraph(sid, graph);
    const start = graphRoots(graph);
    console.log(`session ${sid}: ${graph.length - 1} Drops on 2 nodes; roots ${start.join(", ")}`);
    await m.deploySession(sid, start);

    let last = "";
    for (;;) {
      const st = await m.graphStatus(sid);
      const counts: Record<string, number> = {};
      for (const d of Object.values(st)) {
        const name = NAMES[d.status] ?? String(d.status);
        const key = d.execStatus === 1 ? "RUNNING" : name;
        counts[key] = (counts[key] ?? 0) + 1;
      }
      const line = Object.entries(counts).map(([k, n]) => `${k} ${n}`).join(", ");
      if (line !== last) console.log(`  ${line}`);
      last = line;
      if (Object.values(st).every((d) => d.status >= 2 && d.execStatus !== 1)) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const final = await m.sessionStatus(sid);
    console.log(`session status per island and node (4 = FINISHED): ${JSON.stringify(final)}`);
    if (!flat(final).every((x) => x === 4)) Deno.exitCode = 1;
    const { filepath } = await m.request<{ filepath: string }>(
      "GET",
      `/api/sessions/${sid}/graph/drop/data/result`,
    );
    console.log(`result (${filepath}):\n${await Deno.readTextFile(filepath)}`);
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await stopAll();
  }
}

if (import.meta.main) await main();
