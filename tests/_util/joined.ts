/**
 * Clusters wired by registration (`--register`): an island started with no `-N`, nodes that
 * join it, optionally a master the islands join. Every call carries the cluster token.
 */
import assert from "node:assert/strict";
import { waitFor } from "../../core/testing/mod.ts";
import { type Proc, startProc } from "./procs.ts";
import { FAST_HEALTH } from "./cluster.ts";

export const TOKEN = "register-test-token-0123456789";
export const ENV = { DLG_TOKEN: TOKEN };
const AUTH = { authorization: `Bearer ${TOKEN}` };

export interface Reply {
  status: number;
  body: unknown;
}

/** A JSON call with the token. */
export async function call(base: string, method: string, path: string, json?: unknown) {
  const r = await fetch(`${base}${path}`, {
    method,
    headers: { ...AUTH, ...(json === undefined ? {} : { "content-type": "application/json" }) },
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const text = await r.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch { /* text */ }
  return { status: r.status, body } as Reply;
}

export function startIsland(args: string[] = []): Promise<Proc> {
  return startProc("cmd/dlg-island.ts", [...FAST_HEALTH, ...args], { env: ENV });
}

export function startMaster(): Promise<Proc> {
  return startProc("cmd/dlg-master.ts", FAST_HEALTH, { env: ENV });
}

/** A dlg-node (own temporary work dir) joining `parent` by registration. */
export async function joinNode(parent: Proc, args: string[] = []): Promise<Proc> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-node-" });
  const rm = () => Deno.remove(workDir, { recursive: true }).catch(() => {});
  const p = await startProc("cmd/dlg-node.ts", [
    "-w",
    workDir,
    "--register",
    parent.url,
    "--dlm-check-period",
    "1",
    ...args,
  ], { env: ENV }).catch(async (e) => {
    await rm();
    throw e;
  });
  return {
    ...p,
    async stop(signal?: Deno.Signal) {
      const s = await p.stop(signal);
      await rm();
      return s;
    },
  };
}

/** Wait until `base`'s children (`/api/nodes` or `/api/islands`) are exactly `want`. */
export async function childrenAre(base: string, want: string[], islands = false): Promise<void> {
  const key = (s: string) => s.split(":").slice(0, 2).join(":");
  await waitFor(async () => {
    const r = await call(base, "GET", islands ? "/api/islands" : "/api/nodes");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const list = islands ? (r.body as { islands: string[] }).islands : r.body as string[];
    return list.map(key).sort();
  }, {
    until: (got) => JSON.stringify(got) === JSON.stringify([...want].sort()),
    timeout: 15_000,
    what: `children ${want.join(",")}`,
  });
}

/** Create, append, deploy (roots `completed`), wait for an end; the final session status. */
export async function run(
  base: string,
  sid: string,
  graph: unknown[],
  completed: string[],
  timeout = 30_000,
): Promise<Reply> {
  assert.equal((await call(base, "POST", "/api/sessions", { sessionId: sid })).status, 200);
  const a = await call(base, "POST", `/api/sessions/${sid}/graph/append`, graph);
  assert.equal(a.status, 200, JSON.stringify(a.body));
  const d = await fetch(`${base}/api/sessions/${sid}/deploy`, {
    method: "POST",
    headers: { ...AUTH, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ completed: completed.join(",") }).toString(),
  });
  assert.equal(d.status, 200, await d.text());
  return await ended(base, sid, timeout);
}

/** Poll `GET /api/sessions/<sid>` until its status has ended everywhere. */
export function ended(base: string, sid: string, timeout = 30_000): Promise<Reply> {
  const over = (s: unknown): boolean =>
    typeof s === "number" ? s >= 4 : !!s && typeof s === "object" && Object.values(s).length > 0 &&
      Object.values(s).every(over);
  return waitFor(() => call(base, "GET", `/api/sessions/${sid}/status`), {
    until: (r) => r.status === 200 && over(r.body),
    timeout,
    interval: 100,
    what: `session ${sid} ended`,
  });
}

/** Every status number in a (nested) status map. */
export function states(body: unknown): number[] {
  if (typeof body === "number") return [body];
  if (body && typeof body === "object") return Object.values(body).flatMap(states);
  return [];
}
