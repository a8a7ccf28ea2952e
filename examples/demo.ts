/**
 * `deno task demo`: a local cluster (a master over an island over 2 node managers, on free ports),
 * one sample graph that crosses the nodes, its progress and its result; then where to look next.
 * The cluster keeps running for you to explore until Ctrl-C; `--exit` (or no terminal on stdin,
 * as in CI) stops it as soon as the graph has run.
 */
import { parseArgs } from "node:util";
import {
  formatProgress,
  MasterManagerClient,
  sessionStatusName,
  waitForSession,
} from "../core/client/mod.ts";
import { graphRoots } from "../core/graph/mod.ts";
import { type Spawned, spawnTier } from "../core/cli/spawn.ts";

const GRAPH = new URL("./cluster_demo.graph.json", import.meta.url);
const cmd = (tier: string) => new URL(`../cmd/${tier}.ts`, import.meta.url).pathname;

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

async function main(args = Deno.args): Promise<void> {
  const flags = parseArgs({ args, options: { exit: { type: "boolean" } } }).values;
  const stay = !flags.exit && Deno.stdin.isTerminal();
  const procs: Spawned[] = [];
  const workDir = await Deno.makeTempDir({ prefix: "dlg-demo-" });
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    stopping ??= Promise.all(procs.map((p) => p.stop()))
      .then(() => Deno.remove(workDir, { recursive: true }))
      .catch(() => {});
  let wake: (() => void) | undefined;
  const stopped = new Promise<void>((r) => wake = r);
  let explored = false;
  const onSignal = () => {
    console.log("\nstopping the cluster ...");
    if (explored) wake?.();
    else stopAll().then(() => Deno.exit(130));
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  try {
    console.log("Starting a local cluster: a master, an island and 2 node managers ...");
    const launch = async (tier: string, args: string[]) => {
      const p = await spawnTier(cmd(tier), args);
      procs.push(p);
      return p;
    };
    const nodes = await Promise.all(
      ["n1", "n2"].map((n) => launch("dlg-node", ["-w", `${workDir}/${n}`, "-q"])),
    );
    const island = await launch("dlg-island", ["-N", nodes.map((n) => n.hostPort).join(","), "-q"]);
    const master = await launch("dlg-master", ["-N", island.hostPort, "-q"]);
    console.log(`  master   ${master.url}\n  island   ${island.url}`);
    nodes.forEach((n, i) => console.log(`  node n${i + 1}  ${n.url}`));

    const raw = JSON.parse(await Deno.readTextFile(GRAPH)) as Record<string, unknown>[];
    const graph = placeGraph(raw, {
      n1: nodes[0]!.hostPort,
      n2: nodes[1]!.hostPort,
      i1: island.hostPort,
    });
    const m = new MasterManagerClient(master.url);
    const sid = `demo-${new Date().toISOString().slice(11, 19).replaceAll(":", "")}`;
    const drops = graph.filter((d) => d.oid).length;
    console.log(
      `\nRunning examples/cluster_demo.graph.json (${drops} Drops over both nodes) ` +
        `as session ${sid} ...`,
    );
    const t0 = Date.now();
    await m.createSession(sid);
    await m.appendGraph(sid, graph);
    await m.deploySession(sid, graphRoots(graph));
    let last = "";
    const end = await waitForSession(m, sid, {
      intervalMs: 200,
      onProgress: (p) => {
        const state = sessionStatusName(p.status);
        const line = formatProgress({ counts: p.drops, state, elapsedMs: Date.now() - t0 });
        const key = line.replace(/ [\d.]+s$/, "");
        if (key !== last) console.log(`  ${line}`);
        last = key;
      },
    });
    const state = sessionStatusName(end.status);
    console.log(`Session ${sid} ${state} in ${((Date.now() - t0) / 1000).toFixed(1)}s.`);
    if (state !== "FINISHED") {
      Deno.exitCode = 1;
      if (end.error) console.log(`  why: ${end.error}`);
    } else {
      const { filepath } = await m.dropData(sid, "result");
      const text = (await Deno.readTextFile(filepath)).trimEnd();
      console.log(`\nThe result (Drop "result", a file node n1 gathered from both nodes):`);
      console.log(text.split("\n").map((l) => `  | ${l}`).join("\n"));
    }

    const mm = `-m ${master.hostPort}`;
    console.log(`
What next:
  the web UI     ${master.url}/   (sessions, the graph coloured live, each Drop's log)
  the CLI        deno task dlg ${mm} sessions
                 deno task dlg ${mm} logs ${sid}
                 deno task dlg ${mm} drop ${sid} shout
  metrics        curl ${master.url}/metrics
  the REST API   curl ${master.url}/api/sessions/${sid}/graph/status`);
    if (stay) {
      console.log(`\nThe cluster keeps running: open ${master.url}/ and press Ctrl-C to stop it.`);
      explored = true;
      await stopped;
    } else {
      console.log("\nStopping the cluster (--exit, or no terminal to press Ctrl-C in).");
    }
  } finally {
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
    await stopAll();
  }
}

if (import.meta.main) await main();
