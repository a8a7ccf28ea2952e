/** Typed clients for node, island and master managers (DALiuGE's `dlg.clients`, camelCase). */
import { baseUrl, type ClientOptions, RestClient } from "./base.ts";

export interface SessionInfo {
  sessionId: string;
  status: unknown;
  size: number;
}

const enc = encodeURIComponent;

export class BaseManagerClient extends RestClient {
  constructor(target: string, defaultPort: number, opts?: ClientOptions) {
    super(baseUrl(target, defaultPort), opts);
  }

  info(): Promise<unknown> {
    return this.request("GET", "/api");
  }
  stop(): Promise<void> {
    return this.request("POST", "/api/stop");
  }
  createSession(sessionId: string): Promise<{ sessionId: string }> {
    return this.request("POST", "/api/sessions", { json: { sessionId } });
  }
  sessions(): Promise<SessionInfo[]> {
    return this.request("GET", "/api/sessions");
  }
  session(sessionId: string): Promise<{ status: unknown; graph: Record<string, unknown> }> {
    return this.request("GET", `/api/sessions/${enc(sessionId)}`);
  }
  sessionStatus(sessionId: string): Promise<unknown> {
    return this.request("GET", `/api/sessions/${enc(sessionId)}/status`);
  }
  /** Append Drop specs (JSON; `gzip: true` compresses the body). */
  async appendGraph(sessionId: string, specs: unknown[], o: { gzip?: boolean } = {}) {
    const json = JSON.stringify(specs);
    if (!o.gzip) {
      return await this.request<void>("POST", `/api/sessions/${enc(sessionId)}/graph/append`, {
        body: json,
        headers: { "content-type": "application/json" },
      });
    }
    const gz = new Blob([json]).stream().pipeThrough(new CompressionStream("gzip"));
    return await this.request<void>("POST", `/api/sessions/${enc(sessionId)}/graph/append`, {
      body: await new Response(gz).arrayBuffer(),
      headers: { "content-type": "application/json", "content-encoding": "gzip" },
    });
  }
  /** Deploy, completing (data) or starting (apps) the `completed` UIDs. */
  deploySession(sessionId: string, completed: string[] = []): Promise<void> {
    const body = completed.length ? `completed=${encodeURIComponent(completed.join(","))}` : "";
    return this.request("POST", `/api/sessions/${enc(sessionId)}/deploy`, {
      body,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }
  cancelSession(sessionId: string): Promise<void> {
    return this.request("POST", `/api/sessions/${enc(sessionId)}/cancel`);
  }
  destroySession(sessionId: string): Promise<void> {
    return this.request("DELETE", `/api/sessions/${enc(sessionId)}`);
  }
  graph(sessionId: string): Promise<Record<string, unknown>> {
    return this.request("GET", `/api/sessions/${enc(sessionId)}/graph`);
  }
  graphSize(sessionId: string): Promise<number> {
    return this.request("GET", `/api/sessions/${enc(sessionId)}/graph/size`);
  }
  graphStatus(
    sessionId: string,
  ): Promise<Record<string, { status: number; execStatus?: number }>> {
    return this.request("GET", `/api/sessions/${enc(sessionId)}/graph/status`);
  }
  dropStatus(sessionId: string, oid: string): Promise<Record<string, unknown>> {
    return this.request("GET", `/api/sessions/${enc(sessionId)}/graph/drop/${enc(oid)}`);
  }
  submissionMethod(): Promise<{ methods: string[] }> {
    return this.request("GET", "/api/submission_method");
  }
}

export class NodeManagerClient extends BaseManagerClient {
  constructor(target = "localhost:8000", opts?: ClientOptions) {
    super(target, 8000, opts);
  }
  /** Tell the node which of its Drops link to Drops elsewhere. */
  addNodeSubscriptions(
    sessionId: string,
    subs: Record<string, [string, number, string][]>,
  ): Promise<void> {
    return this.request("POST", `/api/sessions/${enc(sessionId)}/subscriptions`, { json: subs });
  }
  triggerDrops(sessionId: string, uids: string[]): Promise<void> {
    return this.request("POST", `/api/sessions/${enc(sessionId)}/trigger`, { json: uids });
  }
}

export class CompositeManagerClient extends BaseManagerClient {
  nodes(): Promise<unknown> {
    return this.request("GET", "/api/nodes");
  }
  addNode(node: string): Promise<void> {
    return this.request("POST", `/api/node/${node}`);
  }
  removeNode(node: string): Promise<void> {
    return this.request("DELETE", `/api/node/${node}`);
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
    return this.request("GET", "/api/islands");
  }
  addIsland(island: string): Promise<void> {
    return this.request("POST", `/api/island/${island}`);
  }
  removeIsland(island: string): Promise<void> {
    return this.request("DELETE", `/api/island/${island}`);
  }
}
