/**
 * `GET .../graph` and `GET .../graph/status` at every tier. A node answers big sessions in time
 * slices (the same JSON, written as the client reads it), so a 1M-Drop graph does not hold the
 * event loop for seconds; `?view=ui` is the web UI's compact form (`graph_view.ts`). Composite
 * tiers, and small sessions, answer in one go as before.
 */
import type { Context, Hono } from "hono";
import { AppDrop } from "../drops/mod.ts";
import { type DropSpec, innerPieces, specRaw } from "../graph/mod.ts";
import {
  CompositeManager,
  type DropManager,
  NodeManager,
  type SessionDetails,
} from "../manager/mod.ts";
import { stateText } from "../session/mod.ts";
import { uiGraphText } from "./graph_view.ts";
import { jsonResponse, objectText, slicedBody, STREAM_AT } from "./json_stream.ts";

const sid = (c: Context) => c.req.param("sid")!;

/** A session's specs as `graph` JSON text, entry by entry. */
function* graphText(specs: ReadonlyMap<string, DropSpec>): Generator<string> {
  const entries = function* () {
    for (const [oid, s] of specs) yield [oid, JSON.stringify(specRaw(s))] as const;
  };
  yield* objectText(entries());
}

/**
 * `GET /api/sessions/<sid>` of a big session, in time slices: a node writes its specs as it
 * goes, a composite tier joins its children's `graph` answers (`sessionParts`). Undefined for a
 * small session, answered in one go.
 */
export async function bigSessionDetails(
  manager: DropManager,
  id: string,
): Promise<Response | undefined> {
  if (manager instanceof NodeManager) {
    const specs = manager.get(id).specs();
    if (specs.size < STREAM_AT) return undefined;
    return detailsResponse(manager.session(id, false), graphText(specs));
  }
  if (!(manager instanceof CompositeManager) || manager.sessionSize(id) < STREAM_AT) {
    return undefined;
  }
  const { details, graphs } = await manager.sessionParts(id);
  return detailsResponse(details, joinedObjects(graphs));
}

/** Session details with `graph` written from `graph`'s pieces, keys in DALiuGE's order. */
function detailsResponse(
  { status, dir, error }: SessionDetails & { error?: string },
  graph: Iterable<string | Uint8Array>,
): Response {
  const head = JSON.stringify({ status }).slice(0, -1);
  const tail = JSON.stringify({ dir, ...(error === undefined ? {} : { error }) }).slice(1);
  return jsonResponse(slicedBody(function* () {
    yield `${head},"graph":`;
    yield* graph;
    yield `,${tail}`;
  }()));
}

/**
 * JSON objects (children's answers, as bytes in pieces) joined into one, unparsed: OIDs are
 * unique in a session, so their entries simply follow each other.
 */
function* joinedObjects(objects: readonly Uint8Array[][]): Generator<string | Uint8Array> {
  yield "{";
  let first = true;
  for (const pieces of objects) {
    const inner = innerPieces(pieces);
    if (!inner) continue;
    if (!first) yield ",";
    first = false;
    for (const p of inner) {
      for (let at = 0; at < p.length; at += JOIN_PIECE) yield p.subarray(at, at + JOIN_PIECE);
    }
  }
  yield "}";
}

/** Bytes of a child's answer written at a time. */
const JOIN_PIECE = 256 * 1024;

export function graphRoutes(app: Hono, manager: DropManager): void {
  const node = manager instanceof NodeManager ? manager : undefined;
  const composite = manager instanceof CompositeManager ? manager : undefined;
  // A big session at an island or master: the children's answers joined, not parsed and
  // serialised again (300k Drops held a master's loop for seconds).
  const big = (c: Context) => composite !== undefined && composite.sessionSize(sid(c)) >= STREAM_AT;
  app.get("/api/sessions/:sid/graph", async (c) => {
    if (node) {
      const specs = node.get(sid(c)).specs();
      if (c.req.query("view") === "ui") return jsonResponse(slicedBody(uiGraphText(specs)));
      if (specs.size >= STREAM_AT) return jsonResponse(slicedBody(graphText(specs)));
    }
    if (composite && c.req.query("view") !== "ui" && big(c)) {
      return jsonResponse(slicedBody(joinedObjects(await composite.graphParts(sid(c)))));
    }
    return c.json(await manager.graph(sid(c)));
  });
  app.get("/api/sessions/:sid/graph/status", async (c) => {
    if (composite && big(c)) {
      return jsonResponse(slicedBody(joinedObjects(await composite.graphStatusParts(sid(c)))));
    }
    const drops = node?.get(sid(c)).drops;
    if (drops && drops.size >= STREAM_AT) {
      const entries = function* () {
        for (const d of drops.values()) {
          yield [d.oid, stateText(d.status, d instanceof AppDrop ? d.execStatus : -1)] as const;
        }
      };
      return jsonResponse(slicedBody(objectText(entries())));
    }
    return c.json(await manager.graphStatus(sid(c)));
  });
}
