/**
 * Typed clients for node, island and master managers: DALiuGE's `dlg.clients` with its
 * operations in camelCase (`create_session` -> `createSession`). DALiuGE's own camelCase
 * aliases (`addGraphSpec`, `getGraphStatus`, ...) are kept for code ported from Python.
 */
import {
  API_PATH,
  baseUrl,
  dropFilePath,
  dropPath,
  islandPath,
  ISLANDS_PATH,
  managerIslandPath,
  managerNodePath,
  nodePath,
  NODES_PATH,
  sessionPath,
  SESSIONS_PATH,
  SHUTDOWN_PATH,
  STOP_PATH,
  SUBMISSION_METHOD_PATH,
} from "../wire/mod.ts";
import { type ClientOptions, responseError, RestClient } from "./base.ts";
import { type EventsOptions, type SessionEvent, sessionEvents } from "./events.ts";
import type {
  DropInfo,
  GraphStatus,
  SessionDetails,
  SessionInfo,
  SessionStatus,
  Subscriptions,
  Success,
} from "./types.ts";

export interface AppendOptions {
  /**
   * Compress the body: `"zlib"` is what DALiuGE's Python client sends (labelled
   * `Content-Encoding: gzip`), `"gzip"` is real gzip. Default: none.
   */
  compress?: "zlib" | "gzip" | false;
  /** @deprecated use `compress: "gzip"`. */
  gzip?: boolean;
  timeoutMs?: number;
}

async function compressed(
  text: string | Uint8Array<ArrayBuffer>,
  format: "deflate" | "gzip",
): Promise<ArrayBuffer> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream(format));
  return await new Response(stream).arrayBuffer();
}

export class BaseManagerClient extends RestClient {
  constructor(target: string, defaultPort: number, opts?: ClientOptions) {
    super(baseUrl(target, defaultPort), opts);
  }

  /** `GET /api`: a node lists its sessions, a composite its children and session ids. */
  info(): Promise<Record<string, unknown>> {
    return this.request("GET", API_PATH);
  }
  stop(): Promise<Success> {
    return this.request("POST", STOP_PATH);
  }
  submissionMethod(): Promise<{ methods: string[] }> {
    return this.request("GET", SUBMISSION_METHOD_PATH);
  }
  createSession(sessionId: string): Promise<{ sessionId: string }> {
    return this.request("POST", SESSIONS_PATH, { json: { sessionId } });
  }
  sessions(): Promise<SessionInfo[]> {
    return this.request("GET", SESSIONS_PATH);
  }
  /** `graph: false`: the details without the specs (`graph` is `{}`; a dlg-ts tier's extension). */
  session(sessionId: string, graph = true): Promise<SessionDetails> {
    return this.request("GET", sessionPath(sessionId) + (graph ? "" : "?graph=false"));
  }
  sessionStatus(sessionId: string): Promise<SessionStatus> {
    return this.request("GET", sessionPath(sessionId, "/status"));
  }
  sessionDir(sessionId: string): Promise<{ dir: unknown }> {
    return this.request("GET", sessionPath(sessionId, "/dir"));
  }
  sessionReproStatus(sessionId: string): Promise<boolean> {
    return this.request("GET", sessionPath(sessionId, "/repro/status"));
  }
  sessionReproData(sessionId: string): Promise<Record<string, unknown>> {
    return this.request("GET", sessionPath(sessionId, "/repro/data"));
  }
  /**
   * Append Drop specs: a list, or the JSON text (or UTF-8 bytes) of one, e.g. a part from
   * `splitGraph`.
   */
  async appendGraph(
    sessionId: string,
    specs: unknown[] | string | Uint8Array<ArrayBuffer>,
    o: AppendOptions = {},
  ): Promise<Success> {
    const text = Array.isArray(specs) ? JSON.stringify(specs) : specs;
    const how = o.compress ?? (o.gzip ? "gzip" : false);
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (how) headers["content-encoding"] = "gzip";
    const body = how ? await compressed(text, how === "zlib" ? "deflate" : "gzip") : text;
    return await this.request("POST", sessionPath(sessionId, "/graph/append"), {
      body,
      headers,
      timeoutMs: o.timeoutMs,
    });
  }
  /** Deploy, completing (data) or starting (apps) the `completed` UIDs. */
  deploySession(sessionId: string, completed: string[] = []): Promise<Success> {
    const body = completed.length ? `completed=${encodeURIComponent(completed.join(","))}` : "";
    return this.request("POST", sessionPath(sessionId, "/deploy"), {
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }
  cancelSession(sessionId: string): Promise<Success> {
    return this.request("POST", sessionPath(sessionId, "/cancel"));
  }
  destroySession(sessionId: string): Promise<Success> {
    return this.request("DELETE", sessionPath(sessionId));
  }
  /** `graph/remove` (dlg-ts): take Drops back before deploy; OIDs not held are ignored. */
  removeDrops(sessionId: string, oids: string[]): Promise<Success> {
    return this.request("POST", sessionPath(sessionId, "/graph/remove"), { json: oids });
  }
  graph(sessionId: string): Promise<Record<string, Record<string, unknown>>> {
    return this.request("GET", sessionPath(sessionId, "/graph"));
  }
  graphSize(sessionId: string): Promise<number> {
    return this.request("GET", sessionPath(sessionId, "/graph/size"));
  }
  graphStatus(sessionId: string): Promise<GraphStatus> {
    return this.request("GET", sessionPath(sessionId, "/graph/status"));
  }
  dropStatus(sessionId: string, oid: string): Promise<DropInfo> {
    return this.request("GET", dropPath(sessionId, oid));
  }
  dropData(sessionId: string, oid: string): Promise<{ filepath: string }> {
    return this.request("GET", dropFilePath(sessionId, oid));
  }
  /** `GET .../logs`: the session's log lines as text (composite tiers merge their children's). */
  async sessionLogs(sessionId: string): Promise<string> {
    const path = sessionPath(sessionId, "/logs");
    const res = await this.raw("GET", path);
    if (!res.ok) throw await responseError(res, `GET ${path}`);
    return await res.text();
  }
  /** The session's event stream (DESIGN §7): `snapshot`, then changes until it ends. */
  sessionEvents(sessionId: string, o?: EventsOptions): AsyncGenerator<SessionEvent> {
    return sessionEvents(this, sessionId, o);
  }

  // DALiuGE's own camelCase names.
  addGraphSpec(sessionId: string, specs: unknown[] | string): Promise<Success> {
    return this.appendGraph(sessionId, specs);
  }
  getGraphStatus(sessionId: string): Promise<GraphStatus> {
    return this.graphStatus(sessionId);
  }
  getDropStatus(sessionId: string, oid: string): Promise<DropInfo> {
    return this.dropStatus(sessionId, oid);
  }
  getDropData(sessionId: string, oid: string): Promise<{ filepath: string }> {
    return this.dropData(sessionId, oid);
  }
  getGraph(sessionId: string): Promise<Record<string, Record<string, unknown>>> {
    return this.graph(sessionId);
  }
  getSessionStatus(sessionId: string): Promise<SessionStatus> {
    return this.sessionStatus(sessionId);
  }
  getSessionDir(sessionId: string): Promise<{ dir: unknown }> {
    return this.sessionDir(sessionId);
  }
  getGraphSize(sessionId: string): Promise<number> {
    return this.graphSize(sessionId);
  }
}

export class NodeManagerClient extends BaseManagerClient {
  constructor(target = "localhost:8000", opts?: ClientOptions) {
    super(target, 8000, opts);
  }
  /** Tell the node which of its Drops link to Drops elsewhere. */
  addNodeSubscriptions(sessionId: string, subs: Subscriptions): Promise<Success> {
    return this.request("POST", sessionPath(sessionId, "/subscriptions"), { json: subs });
  }
  triggerDrops(sessionId: string, uids: string[]): Promise<Success> {
    return this.request("POST", sessionPath(sessionId, "/trigger"), { json: uids });
  }
  shutdownNodeManager(): Promise<Success> {
    return this.request("GET", SHUTDOWN_PATH);
  }
  /** The session's log file as a raw response (its body is a stream). */
  logFile(sessionId: string): Promise<Response> {
    return this.raw("GET", sessionPath(sessionId, "/logs"));
  }
}

export class CompositeManagerClient extends BaseManagerClient {
  /** Children: a list at an island, `{nodes: [...]}` at a master (as DALiuGE). */
  nodes(): Promise<string[] | { nodes: string[] }> {
    return this.request("GET", NODES_PATH);
  }
  addNode(node: string): Promise<Success> {
    return this.request("POST", nodePath(node));
  }
  removeNode(node: string): Promise<Success> {
    return this.request("DELETE", nodePath(node));
  }
}

export class DataIslandManagerClient extends CompositeManagerClient {
  constructor(target = "localhost:8001", opts?: ClientOptions) {
    super(target, 8001, opts);
  }
}

export class MasterManagerClient extends CompositeManagerClient {
  constructor(target = "localhost:8002", opts?: ClientOptions) {
    super(target, 8002, opts);
  }
  islands(): Promise<{ islands: string[] }> {
    return this.request("GET", ISLANDS_PATH);
  }
  addIsland(island: string): Promise<Success> {
    return this.request("POST", islandPath(island));
  }
  removeIsland(island: string): Promise<Success> {
    return this.request("DELETE", islandPath(island));
  }
  /** DALiuGE's names for the same routes. */
  dims(): Promise<{ islands: string[] }> {
    return this.islands();
  }
  addDim(island: string): Promise<Success> {
    return this.addIsland(island);
  }
  removeDim(island: string): Promise<Success> {
    return this.removeIsland(island);
  }
  /** Start an island manager through `host`'s daemon (DALiuGE's `create_island`). */
  createIsland(host: string, nodes: string[]): Promise<{ islands: string[] }> {
    return this.request("POST", managerIslandPath(host), { json: { nodes } });
  }
  addNodeToDim(island: string, node: string): Promise<Success> {
    return this.request("POST", managerNodePath(island, node));
  }
  removeNodeFromDim(island: string, node: string): Promise<Success> {
    return this.request("DELETE", managerNodePath(island, node));
  }
}
