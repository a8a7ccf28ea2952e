/**
 * Run a fixture through any tier's REST interface the way DALiuGE's tooling does: create the
 * session, append the graph, deploy with `completed=` its roots, wait for the end, read
 * `graph/status`. The same code drives an in-process node (`app.request`) or real processes.
 */
import assert from "node:assert/strict";
import { SessionStates } from "../../core/drops/states.ts";
import { waitFor } from "../../core/testing/mod.ts";
import { type GraphStatus, roots, type Spec } from "./_fixtures.ts";

export interface Reply {
  status: number;
  body: unknown;
}
export type Call = (
  method: string,
  path: string,
  body?: BodyInit,
  headers?: Record<string, string>,
) => Promise<Reply>;

async function reply(r: Response): Promise<Reply> {
  const text = await r.text();
  try {
    return { status: r.status, body: JSON.parse(text) };
  } catch {
    return { status: r.status, body: text };
  }
}

/** Calls against an in-process app (`createApp(...)`). */
export function appCall(
  app: { request(path: string, init: RequestInit): Response | Promise<Response> },
): Call {
  return async (method, path, body, headers) =>
    reply(await app.request(path, { method, body, headers }));
}

/** Calls over HTTP to a running manager. */
export function fetchCall(base: string): Call {
  return async (method, path, body, headers) =>
    reply(await fetch(`${base}${path}`, { method, body, headers }));
}

const JSON_TYPE = { "content-type": "application/json" };

/** Every session status in a node's int or a composite's (nested) map. */
export function statuses(body: unknown): number[] {
  if (typeof body === "number") return [body];
  if (body && typeof body === "object") return Object.values(body).flatMap(statuses);
  return [];
}

const ENDED: number[] = [SessionStates.FINISHED, SessionStates.CANCELLED, SessionStates.FAILED];

/** Poll the session status until every part has ended; the flattened final statuses. */
export function waitEnded(call: Call, sid: string, ms: number): Promise<number[]> {
  return waitFor(async () => {
    const r = await call("GET", `/api/sessions/${sid}/status`);
    assert.equal(r.status, 200, `status of ${sid}: ${JSON.stringify(r.body)}`);
    return statuses(r.body);
  }, {
    until: (last) => last.length > 0 && last.every((s) => ENDED.includes(s)),
    timeout: ms,
    interval: 50,
    what: `session ${sid} ended`,
  });
}

export async function createSession(call: Call, sid: string): Promise<void> {
  const r = await call("POST", "/api/sessions", JSON.stringify({ sessionId: sid }), JSON_TYPE);
  assert.equal(r.status, 200, `create ${sid}: ${JSON.stringify(r.body)}`);
}

export function append(call: Call, sid: string, graph: unknown): Promise<Reply> {
  const body = typeof graph === "string" ? graph : JSON.stringify(graph);
  return call("POST", `/api/sessions/${sid}/graph/append`, body, JSON_TYPE);
}

export function deploy(call: Call, sid: string, completed: string[]): Promise<Reply> {
  return call(
    "POST",
    `/api/sessions/${sid}/deploy`,
    new URLSearchParams({ completed: completed.join(",") }).toString(),
    { "content-type": "application/x-www-form-urlencoded" },
  );
}

export interface Outcome {
  /** Final session status of every part (one for a node, one per node for a composite). */
  final: number[];
  graphStatus: GraphStatus;
  seconds: number;
}

/** Create, append, deploy with the roots, wait, and read the per-Drop states. */
export async function runGraph(
  call: Call,
  sid: string,
  graph: Spec[],
  timeoutMs: number,
): Promise<Outcome> {
  const t0 = performance.now();
  await createSession(call, sid);
  const a = await append(call, sid, graph);
  assert.equal(a.status, 200, `append: ${JSON.stringify(a.body)}`);
  const d = await deploy(call, sid, roots(graph));
  assert.equal(d.status, 200, `deploy: ${JSON.stringify(d.body)}`);
  const final = await waitEnded(call, sid, timeoutMs);
  const seconds = (performance.now() - t0) / 1000;
  const g = await call("GET", `/api/sessions/${sid}/graph/status`);
  assert.equal(g.status, 200, `graph/status: ${JSON.stringify(g.body)}`);
  return { final, graphStatus: g.body as GraphStatus, seconds };
}
