/**
 * Routes only a node manager has: trigger, subscriptions, graph/link and the node-to-node event
 * and data routes. `dlg-node` mounts this sub-app on `createApp`'s.
 */
import { Hono } from "hono";
import * as v from "valibot";
import { DropStates } from "../drops/mod.ts";
import { badRequest, dataTooLarge, invalidState } from "../errors/mod.ts";
import { describeIssues } from "../graph/mod.ts";
import type { NodeManager } from "../manager/mod.ts";
import { SIZE_HEADER, storeStream } from "../rpc/mod.ts";
import {
  fitsSubscriptions,
  fitsWireEvents,
  linkKeyOf,
  LinkParams,
  SubscriptionsBody,
  UidList,
  WireEventList,
} from "../wire/mod.ts";
import { readBody, readFields } from "./body.ts";
import { bodyLimitOf, type RouteOptions, SUCCESS } from "./reply.ts";

export function nodeRoutes(nm: NodeManager, o: RouteOptions = {}): Hono {
  const limit = bodyLimitOf(o);
  const app = new Hono();
  app.post("/api/sessions/:sid/trigger", async (c) => {
    const uids = await readBody(c, UidList, limit);
    nm.trigger(c.req.param("sid"), uids);
    return c.json(SUCCESS);
  });
  app.post("/api/sessions/:sid/subscriptions", async (c) => {
    const subs = await readBody(c, SubscriptionsBody, limit, fitsSubscriptions);
    nm.subscribe(c.req.param("sid"), subs);
    return c.json(SUCCESS);
  });
  // Node to node: batched Drop events, and Drop bytes read or written as streams.
  app.post("/api/sessions/:sid/events", async (c) => {
    const events = await readBody(c, WireEventList, limit, fitsWireEvents);
    nm.deliverEvents(c.req.param("sid"), events);
    return c.json(SUCCESS);
  });
  app.get("/api/sessions/:sid/drops/:uid/data", async (c) => {
    const sid = c.req.param("sid");
    const d = nm.dataDrop(sid, c.req.param("uid"));
    if (d.status !== DropStates.COMPLETED) {
      throw invalidState(`Drop ${d.uid} is not COMPLETED (status ${d.status}): nothing to read`);
    }
    const size = d.store.size;
    const body = await storeStream(d.store, () => nm.remoteRead(sid, d));
    return new Response(body, {
      headers: { "content-type": "application/octet-stream", "content-length": String(size) },
    });
  });
  app.post("/api/sessions/:sid/drops/:uid/data", async (c) => {
    const d = nm.pushTarget(c.req.param("sid"), c.req.param("uid"));
    // Up to the Drop's declared size, when it has one: a peer cannot fill a node's memory.
    const room = d.expectedSize > 0 ? d.expectedSize - d.store.size : Infinity;
    let got = 0;
    const take = (chunk: Uint8Array) => {
      got += chunk.length;
      if (got > room) {
        const e = dataTooLarge(d.uid, d.expectedSize);
        d.setError(e.message);
        throw e;
      }
      d.write(chunk);
    };
    const body = c.req.raw.body;
    if (body) {
      // The whole body in one buffer from the start when its length is known and allowed.
      const length = Number(c.req.header("content-length") ?? c.req.header(SIZE_HEADER)) || 0;
      if (length <= room) d.store.reserve?.(length);
      // Plain reads: BYOB reads of a request body (`readLent`) took ~10x the CPU here, 0.02-0.04
      // GB/s for 256 MiB pushed (docs/performance.md, "Round 9").
      for await (const chunk of body) take(chunk);
    }
    return c.json(SUCCESS);
  });
  app.post("/api/sessions/:sid/graph/link", async (c) => {
    const r = v.safeParse(LinkParams, await readFields(c));
    if (!r.success) throw badRequest(describeIssues(r.issues));
    const key = linkKeyOf(r.output.linkType);
    if (!key) throw badRequest(`linkType ${r.output.linkType} cannot be linked in a graph spec`);
    nm.get(c.req.param("sid")).link(r.output.lhOID, r.output.rhOID, key);
    return c.json(SUCCESS);
  });
  return app;
}
