/** In-process REST harness: a NodeManager behind `createApp`, driven with `app.request()`. */
import { NodeManager, type NodeManagerOptions } from "../../core/manager/mod.ts";
import { waitFor } from "../../core/testing/mod.ts";
import { tierApp } from "./tier_app.ts";

export interface Reply {
  status: number;
  body: unknown;
  headers: Headers;
}

export interface Api {
  nm: NodeManager;
  workDir: string;
  get(path: string): Promise<Reply>;
  del(path: string): Promise<Reply>;
  post(path: string, body?: BodyInit | unknown, headers?: Record<string, string>): Promise<Reply>;
  /** Create session `sid` and append `graph` to it (asserting both succeed). */
  session(sid: string, graph?: unknown[]): Promise<void>;
  /** Poll the session status until it is one of `states`. */
  until(sid: string, states: number[], ms?: number): Promise<number>;
}

/** A response as status, body (parsed when JSON) and headers. */
export async function replyOf(r: Response): Promise<Reply> {
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* not JSON */ }
  return { status: r.status, body, headers: r.headers };
}

export async function withNode(
  fn: (api: Api) => Promise<void>,
  opts: Partial<NodeManagerOptions> & { maxRequestSize?: number } = {},
): Promise<void> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-test-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0, ...opts });
  const app = tierApp(nm, { maxRequestSize: opts.maxRequestSize ?? 1024 * 1024 });
  const call = async (path: string, init: RequestInit) => replyOf(await app.request(path, init));
  const api: Api = {
    nm,
    workDir,
    get: (path) => call(path, { method: "GET" }),
    del: (path) => call(path, { method: "DELETE" }),
    post: (path, body, headers = {}) => {
      const raw = body === undefined || typeof body === "string" || body instanceof Uint8Array;
      return call(path, {
        method: "POST",
        body: raw ? body as BodyInit : JSON.stringify(body),
        headers: raw ? headers : { "content-type": "application/json", ...headers },
      });
    },
    async session(sid, graph) {
      const c = await api.post("/api/sessions", { sessionId: sid });
      if (c.status !== 200) throw new Error(`create ${sid}: ${JSON.stringify(c.body)}`);
      if (graph) {
        const a = await api.post(`/api/sessions/${sid}/graph/append`, graph);
        if (a.status !== 200) throw new Error(`append ${sid}: ${JSON.stringify(a.body)}`);
      }
    },
    until: (sid, states, ms = 10000) =>
      waitFor(async () => (await api.get(`/api/sessions/${sid}/status`)).body as number, {
        until: (s) => states.includes(s),
        timeout: ms,
        interval: 10,
        what: `session ${sid} in ${states}`,
      }),
  };
  try {
    await fn(api);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/** Drop-spec shorthands. */
export const mem = (oid: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.memory.InMemoryDROP",
  ...extra,
});
export const file = (oid: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.file.FileDROP",
  ...extra,
});
export const appSpec = (oid: string, cls: string, extra: Record<string, unknown> = {}) => ({
  oid,
  categoryType: "Application",
  dropclass: cls.includes(".") ? cls : `dlg.apps.simple.${cls}`,
  ...extra,
});
