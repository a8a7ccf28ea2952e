/**
 * DALiuGE's Python client, played exactly on the wire by tests/python/dlg_client_compat.py
 * (standard library only), drives a session's whole life at every tier with a translator-form
 * graph: create, append, deploy, status, graph status, cancel, delete, and the errors a Python
 * client meets.
 */
import assert from "node:assert/strict";
import { startCluster } from "./_util/cluster.ts";
import { type Proc, startNode, startProc } from "./_util/procs.ts";

const SCRIPT = new URL("./python/dlg_client_compat.py", import.meta.url).pathname;
const FIXTURE = new URL("./fixtures/translator_grpby_gather.json", import.meta.url).pathname;

interface Deployment {
  /** The manager the client talks to. */
  url: string;
  /** `node` / `island` values for the graph's Drops (kept as in the fixture when unset). */
  node?: string;
  island?: string;
  procs: Proc[];
}

interface Tier {
  name: "node" | "island" | "master";
  /** How the test names it (default: the tier). */
  label?: string;
  start(): Promise<Deployment>;
}

const TIERS: Tier[] = [
  {
    name: "node",
    // The fixture's bare host names ("127.0.0.1") stay as the translator wrote them.
    start: async () => {
      const node = await startNode(["--dlm-check-period", "0"]);
      return { url: node.url, procs: [node] };
    },
  },
  {
    name: "node",
    label: "a node on 0.0.0.0 with --insecure (the client cannot send a token)",
    start: async () => {
      const node = await startNode(["--dlm-check-period", "0", "-H", "0.0.0.0", "--insecure"]);
      return { url: node.url, procs: [node] };
    },
  },
  {
    name: "island",
    // Drops alternate between the island's two nodes: half of the links cross nodes.
    start: async () => {
      const procs: Proc[] = [];
      try {
        procs.push(...await Promise.all([1, 2].map(() => startNode(["--dlm-check-period", "0"]))));
        const node = procs.map((p) => p.hostPort).join(",");
        procs.push(await startProc("cmd/dlg-island.ts", ["-N", node]));
        return { url: procs[2]!.url, node, procs };
      } catch (e) {
        await Promise.all(procs.map((p) => p.stop()));
        throw e;
      }
    },
  },
  {
    name: "master",
    // Drops alternate between two islands of one node each: links cross islands.
    start: async () => {
      const c = await startCluster([1, 1], ["--dlm-check-period", "0"]);
      const nodes = c.nodes.map((l) => l[0]!);
      return {
        url: c.master.url,
        node: nodes.map((n) => n.hostPort).join(","),
        island: c.islands.map((i) => i.hostPort).join(","),
        procs: [...nodes, ...c.islands, c.master],
      };
    },
  },
];

async function runPython(tier: string, d: Deployment) {
  const args = [SCRIPT, "--url", d.url, "--tier", tier, "--graph", FIXTURE];
  if (d.node) args.push("--node", d.node);
  if (d.island) args.push("--island", d.island);
  const out = await new Deno.Command("python3", {
    args: ["-I", "-S", ...args], // isolated, no site packages: the standard library only
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

for (const tier of TIERS) {
  const where = tier.label ?? (tier.name === "island" ? "an island" : `a ${tier.name}`);
  Deno.test(`DALiuGE's Python client drives a session's whole life on ${where}`, async () => {
    const d = await tier.start();
    try {
      const r = await runPython(tier.name, d);
      const logs = d.procs.map((p) => p.output()).join("\n");
      assert.equal(r.code, 0, `${r.text}\n--- manager output ---\n${logs}`);
      assert.match(r.text, /^ALL OK \(\d+ requests\)$/m);
      assert.match(r.text, /create_session of an existing id -> SessionAlreadyExistsException 409/);
      assert.match(r.text, /destroy_session of an unknown session -> NoSessionException 404/);
      assert.match(r.text, /cancelSession -> CANCELLED/);
    } finally {
      for (const p of d.procs.reverse()) await p.stop();
    }
  });
}
