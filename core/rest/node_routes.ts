/** Routes only a node manager has: trigger, graph/link (and the tier-to-tier data routes). */
import type { Hono } from "hono";
import * as v from "valibot";
import { badRequest } from "../errors/mod.ts";
import { describeIssues, type LinkKey } from "../graph/mod.ts";
import type { NodeManager } from "../manager/mod.ts";
import { readBody, readFields } from "./body.ts";
import { LinkParams, UidList } from "./schemas.ts";
import { SUCCESS } from "./reply.ts";

/** DROPLinkType -> the spec list it appends to. */
const LINK_KEY: Record<number, LinkKey | undefined> = {
  0: "consumers",
  1: "streamingConsumers",
  2: "producers",
  5: "inputs",
  6: "streamingInputs",
  7: "outputs",
};

export function nodeRoutes(app: Hono, nm: NodeManager, limit: number): void {
  app.post("/api/sessions/:sid/trigger", async (c) => {
    const uids = await readBody(c, UidList, limit);
    nm.trigger(c.req.param("sid"), uids);
    return c.json(SUCCESS);
  });
  app.post("/api/sessions/:sid/graph/link", async (c) => {
    const r = v.safeParse(LinkParams, await readFields(c));
    if (!r.success) throw badRequest(describeIssues(r.issues));
    const key = LINK_KEY[r.output.linkType];
    if (!key) throw badRequest(`linkType ${r.output.linkType} cannot be linked in a graph spec`);
    nm.get(c.req.param("sid")).link(r.output.lhOID, r.output.rhOID, key);
    return c.json(SUCCESS);
  });
}
