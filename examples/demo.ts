/**
 * `deno task demo`: start a local dlg-node on a free port, submit the sample graph, show its
 * progress and result, and stop everything on exit or Ctrl-C.
 */
import { NodeManagerClient } from "../core/client/mod.ts";
import { startNode } from "../tests/_util/procs.ts";

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

async function main() {
  const graph = JSON.parse(
    await Deno.readTextFile(new URL("./sample_graph.json", import.meta.url)),
  ) as Record<string, unknown>[];
  const node = await startNode();
  const stop = () => node.stop().then(() => Deno.exit(130));
  Deno.addSignalListener("SIGINT", stop);
  try {
    console.log(`dlg-node up at ${node.url} (work dir ${node.workDir})`);
    const c = new NodeManagerClient(node.url);
    const sid = `demo-${Date.now()}`;
    await c.createSession(sid);
    await c.appendGraph(sid, graph);
    await c.deploySession(sid, ["hello"]);
    console.log(`session ${sid}: ${graph.length - 1} Drops deployed`);
    let status: unknown;
    do {
      await new Promise((r) => setTimeout(r, 200));
      status = await c.sessionStatus(sid);
      const counts: Record<string, number> = {};
      for (const d of Object.values(await c.graphStatus(sid))) {
        const n = NAMES[d.status] ?? String(d.status);
        counts[n] = (counts[n] ?? 0) + 1;
      }
      console.log(`  ${JSON.stringify(counts)}`);
    } while (status === 2 || status === 3);
    const dir = `${node.workDir}/${sid}`;
    console.log(`session ended in state ${status} (4 = FINISHED)`);
    console.log(`  greeting.txt: ${await Deno.readTextFile(`${dir}/greeting.txt`)}`);
    console.log(`  bytes.txt:    ${(await Deno.readTextFile(`${dir}/bytes.txt`)).trim()}`);
    if (status !== 4) Deno.exitCode = 1;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    await node.stop();
  }
}

if (import.meta.main) await main();
