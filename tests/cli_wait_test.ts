/**
 * `dlg submit --wait` follows the session's event stream: against a node, an island or a master
 * it makes no `/status` (or `graph/status`) requests. The managers run in this process behind
 * servers that count requests; the CLI is a real process.
 */
import assert from "node:assert/strict";
import { CompositeManager, type DropManager, NodeManager } from "../core/manager/mod.ts";
import { createApp } from "../core/rest/mod.ts";

interface Served {
  hostPort: string;
  paths: string[];
  stop(): Promise<void>;
}

function serve(manager: DropManager): Served {
  const app = createApp(manager);
  const paths: string[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    paths.push(`${req.method} ${new URL(req.url).pathname}`);
    return app.fetch(req);
  });
  return {
    hostPort: `127.0.0.1:${server.addr.port}`,
    paths,
    async stop() {
      await server.shutdown();
      await manager.stop();
    },
  };
}

async function hierarchy() {
  const dirs = await Promise.all([0, 1].map(() => Deno.makeTempDir({ prefix: "dlg-wait-" })));
  const nodes = dirs.map((workDir) => serve(new NodeManager({ workDir, dlmCheckPeriod: 0 })));
  const island = serve(
    new CompositeManager({ attr: "node", children: nodes.map((n) => n.hostPort), checkPeriod: 0 }),
  );
  const master = serve(
    new CompositeManager({ attr: "island", children: [island.hostPort], checkPeriod: 0 }),
  );
  return {
    nodes,
    island,
    master,
    async stop() {
      for (const s of [master, island, ...nodes]) await s.stop();
      for (const d of dirs) await Deno.remove(d, { recursive: true });
    },
  };
}

function graph(n1: string, n2: string, island: string, tier: string) {
  const at = (node: string) =>
    tier === "node" ? {} : tier === "island" ? { node } : { node, island };
  return [
    { oid: "A", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP", ...at(n1) },
    {
      oid: "B",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: 1.2,
      inputs: ["A"],
      outputs: ["C"],
      ...at(tier === "node" ? n1 : n2),
    },
    {
      oid: "C",
      categoryType: "Data",
      dropclass: "dlg.data.drops.memory.InMemoryDROP",
      ...at(tier === "node" ? n1 : n2),
    },
  ];
}

for (const tier of ["node", "island", "master"] as const) {
  Deno.test(`dlg submit --wait against a ${tier} follows /events and never polls /status`, async () => {
    const h = await hierarchy();
    const file = await Deno.makeTempFile({ suffix: ".json" });
    try {
      const [n1, n2] = h.nodes.map((n) => n.hostPort) as [string, string];
      const target = tier === "node" ? h.nodes[0]! : tier === "island" ? h.island : h.master;
      await Deno.writeTextFile(file, JSON.stringify(graph(n1, n2, h.island.hostPort, tier)));
      const cli = new URL("../cmd/dlg.ts", import.meta.url).pathname;
      const out = await new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "-A",
          cli,
          "submit",
          "--wait",
          "--interval",
          "0.1",
          "-m",
          target.hostPort,
          file,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(60_000),
      }).output();
      const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
      assert.equal(out.code, 0, text);
      assert.match(text, /FINISHED/);
      const events = target.paths.filter((p) => p.endsWith("/events") && p.startsWith("GET"));
      assert.ok(events.length >= 1, target.paths.join("\n"));
      const polls = target.paths.filter((p) => /\/status$/.test(p));
      assert.deepEqual(polls, [], `the CLI polled: ${target.paths.join(", ")}`);
    } finally {
      await Deno.remove(file);
      await h.stop();
    }
  });
}
