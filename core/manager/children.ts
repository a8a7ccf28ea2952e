/**
 * A composite manager's children (node managers under an island, islands under a master):
 * clients with timeouts on every call, and calls fanned out to many children whose failures
 * become one 555 SubManagerException carrying each child's real error.
 */
import { describeArgs, DlgClientError, NodeManagerClient, type Transport } from "../client/mod.ts";
import { type ErrorBody, HttpError, subManagerError } from "../errors/mod.ts";
import { type NodeRef, parseNode } from "../wire/mod.ts";

/**
 * Timeouts (ms) at an island; a master waits twice as long, so that an island reporting a hung
 * node answers its master before the master gives up on the island.
 */
export const STATUS_MS = 3_000;
export const CONTROL_MS = 8_000;
export const BULK_MS = 120_000;

export class Child {
  readonly ref: NodeRef;
  /** 1 for an island's nodes, 2 for a master's islands (timeouts scale with it). */
  readonly depth: number;
  /** Status reads, and the health check. */
  readonly status: NodeManagerClient;
  /** Other short calls. */
  readonly client: NodeManagerClient;
  /** Appends and deploys of large graphs. */
  readonly bulk: NodeManagerClient;
  /** Why the child is down (no answer for `--child-timeout`); undefined while it answers. */
  down: string | undefined = undefined;
  /** When the child last answered a health check (ms since the epoch). */
  lastOk = Date.now();
  /** Sessions deleted while the child was down: deleted there once it is back. */
  readonly pendingDeletes = new Set<string>();

  /** `depth`: 1 for an island's nodes, 2 for a master's islands. */
  constructor(ref: NodeRef, o: { depth?: number; transport?: Transport } = {}) {
    const depth = this.depth = o.depth ?? 1;
    const client = (ms: number) =>
      new NodeManagerClient(ref.url, { timeoutMs: ms * depth, transport: o.transport });
    this.ref = ref;
    this.status = client(STATUS_MS);
    this.client = client(CONTROL_MS);
    this.bulk = client(BULK_MS);
  }

  get name(): string {
    return this.ref.name;
  }
}

/** A child's error, as it answered it (or as we failed to reach it). */
export type ChildError = ErrorBody;

/** What a child's failure looks like inside a SubManagerException. */
export function childError(e: unknown, child: { name: string }): ChildError {
  if (e instanceof DlgClientError) {
    if (e.status === 0) {
      return { type: "RestClientException", args: [`${child.name}: ${describeArgs(e.args)}`] };
    }
    return { type: e.type, args: e.args };
  }
  if (e instanceof HttpError) return e.toJSON();
  return { type: "DaliugeException", args: [`${child.name}: ${(e as Error).message ?? e}`] };
}

/** 555 naming a child (or a node below) that is down, with why: what touching it answers. */
export function childDown(name: string, why: string): HttpError {
  return subManagerError({
    [name]: { type: "RestClientException", args: [`${name}: down (${why})`] },
  });
}

/** One message naming the child, for status maps and `GET /api/sessions/<sid>`. */
export function describe(err: ChildError): string {
  const args = Array.isArray(err.args) ? err.args.map(String).join("; ") : JSON.stringify(err.args);
  return `${err.type}: ${args}`;
}

export interface Settled<T> {
  ok: Map<string, T>;
  errors: Record<string, ChildError>;
  failed: number;
}

/** Run `fn` on every child at once; collect answers and errors by child name. */
export async function fanOut<C extends { name: string }, T>(
  children: readonly C[],
  fn: (c: C) => Promise<T>,
): Promise<Settled<T>> {
  const results = await Promise.allSettled(children.map(fn));
  const out: Settled<T> = { ok: new Map(), errors: {}, failed: 0 };
  results.forEach((r, i) => {
    const c = children[i]!;
    if (r.status === "fulfilled") out.ok.set(c.name, r.value);
    else {
      out.errors[c.name] = childError(r.reason, c);
      out.failed++;
    }
  });
  return out;
}

/** Like fanOut, but any failure throws SubManagerException. */
export async function all<C extends { name: string }, T>(
  children: readonly C[],
  fn: (c: C) => Promise<T>,
): Promise<Map<string, T>> {
  const r = await fanOut(children, fn);
  if (r.failed) throw subManagerError(r.errors);
  return r.ok;
}

/**
 * Clients for a node named in a graph's `node` attribute (the master reaches nodes directly):
 * `client` for control calls, `bulk` for calls whose work grows with the graph.
 */
export function nodeClient(
  node: string,
  transport?: Transport,
): { name: string; client: NodeManagerClient; bulk: NodeManagerClient } {
  const ref = parseNode(node, 8000);
  const client = new NodeManagerClient(ref.url, { timeoutMs: CONTROL_MS, transport });
  const bulk = new NodeManagerClient(ref.url, { timeoutMs: BULK_MS, transport });
  return { name: ref.name, client, bulk };
}
