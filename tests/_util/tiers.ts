/**
 * The same REST surface at every tier, in one process: a node behind `app.request()`, or an
 * island / master behind `app.request()` whose children are real servers on port 0.
 */
import { CompositeManager, type DropManager, NodeManager } from "../../core/manager/mod.ts";
import { tierApp } from "./tier_app.ts";
import { type Reply, replyOf } from "./inproc.ts";

export type Tier = "node" | "island" | "master";

export interface TierApi {
  tier: Tier;
  manager: DropManager;
  /** Node strings of the nodes, and of the islands (master only). */
  nodes: string[];
  islands: string[];
  get(path: string): Promise<Reply>;
  del(path: string): Promise<Reply>;
  post(path: string, body?: BodyInit | unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Put Drops on the nodes (and islands) round-robin. */
  place(graph: Record<string, unknown>[]): Record<string, unknown>[];
}

interface Server {
  hostPort: string;
  stop(): Promise<void>;
}

function serve(manager: DropManager): Server {
  const app = tierApp(manager, { maxRequestSize: 1024 * 1024 });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, app.fetch);
  return {
    hostPort: `127.0.0.1:${server.addr.port}`,
    async stop() {
      await server.shutdown();
      await manager.stop();
    },
  };
}

async function call(app: ReturnType<typeof tierApp>, path: string, init: RequestInit) {
  return replyOf(await app.request(path, init));
}

/** Run `fn` against a fresh tier; everything started is stopped after. */
export async function withTier(tier: Tier, fn: (api: TierApi) => Promise<void>): Promise<void> {
  const dirs: string[] = [];
  const servers: Server[] = [];
  const node = async () => {
    const workDir = await Deno.makeTempDir({ prefix: "dlg-tier-" });
    dirs.push(workDir);
    return new NodeManager({ workDir, dlmCheckPeriod: 0 });
  };
  let manager: DropManager;
  let nodes: string[] = [];
  let islands: string[] = [];
  const nodeIsland: string[] = [];
  try {
    if (tier === "node") manager = await node();
    else {
      const ns = [serve(await node()), serve(await node())];
      servers.push(...ns);
      nodes = ns.map((s) => s.hostPort);
      const island = new CompositeManager({ attr: "node", children: nodes, checkPeriod: 0 });
      if (tier === "island") manager = island;
      else {
        const is = serve(island);
        servers.push(is);
        islands = [is.hostPort];
        nodeIsland.push(is.hostPort, is.hostPort);
        manager = new CompositeManager({ attr: "island", children: islands, checkPeriod: 0 });
      }
    }
    const app = tierApp(manager, { maxRequestSize: 1024 * 1024 });
    const api: TierApi = {
      tier,
      manager,
      nodes,
      islands,
      get: (path) => call(app, path, { method: "GET" }),
      del: (path) => call(app, path, { method: "DELETE" }),
      post: (path, body, headers = {}) => {
        const raw = body === undefined || typeof body === "string" || body instanceof Uint8Array;
        return call(app, path, {
          method: "POST",
          body: raw ? body as BodyInit : JSON.stringify(body),
          headers: raw ? headers : { "content-type": "application/json", ...headers },
        });
      },
      place: (graph) =>
        graph.map((d, i) => {
          if (!("oid" in d) || tier === "node") return d;
          const at = i % 2;
          return { node: nodes[at], ...(islands.length ? { island: nodeIsland[at] } : {}), ...d };
        }),
    };
    await fn(api);
    await manager.stop();
  } finally {
    for (const s of servers.reverse()) await s.stop();
    for (const d of dirs) await Deno.remove(d, { recursive: true }).catch(() => {});
  }
}

/** A status at any tier, flattened: an int on a node, every node's int above. */
export function flat(status: unknown): number[] {
  if (typeof status === "number") return [status];
  if (status && typeof status === "object") return Object.values(status).flatMap(flat);
  return [];
}
