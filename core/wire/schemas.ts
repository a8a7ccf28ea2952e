/** valibot schemas for request bodies: REST calls, and the events nodes send each other. */
import * as v from "valibot";
import { LINK_KEYS, LinkTypes } from "./link_types.ts";

const LINK_TYPE = v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(LinkTypes.OUTPUT));

export const CreateSessionBody = v.object({
  sessionId: v.pipe(v.string("sessionId must be a string"), v.nonEmpty("sessionId is empty")),
}, "the body must be a JSON object with a sessionId");

/** `completed` as DALiuGE sends it (`a,b,c`), or as a JSON list. */
export const CompletedField = v.optional(
  v.union([
    v.pipe(
      v.string(),
      v.transform((s) => s.split(",").map((x) => x.trim()).filter((x) => x.length > 0)),
    ),
    v.array(v.string()),
  ], "completed must be a comma-separated string or a list of UIDs"),
  [],
);

export const UidList = v.array(v.string(), "the body must be a JSON list of UIDs");

/** `subscriptions`: `{peerNode: [[lhsUid, linkType, rhsUid], ...]}`. */
const SUBS_MESSAGE = "the body must map peer nodes to lists of [lhsUid, linkType, rhsUid]";
export const SubscriptionsBody = v.pipe(
  v.unknown(),
  v.check((x) => !Array.isArray(x), SUBS_MESSAGE),
  v.record(v.string(), v.array(v.tuple([v.string(), LINK_TYPE, v.string()])), SUBS_MESSAGE),
);

/** Object keys valibot's `record` leaves out: a body with one goes the slow way. */
const UNSAFE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

function isLinkType(x: unknown): boolean {
  return typeof x === "number" && Number.isInteger(x) && x >= 0 && x <= LinkTypes.OUTPUT;
}

/**
 * True when `SubscriptionsBody` would pass `x` as it is (a deploy sends thousands of relations:
 * valibot made a new tuple of each); valibot is left to word what is wrong otherwise.
 */
export function fitsSubscriptions(x: unknown): x is v.InferOutput<typeof SubscriptionsBody> {
  if (typeof x !== "object" || x === null || Array.isArray(x)) return false;
  for (const peer in x) {
    if (!Object.hasOwn(x, peer) || UNSAFE_KEYS.has(peer)) return false;
    const rels = (x as Record<string, unknown>)[peer];
    if (!Array.isArray(rels)) return false;
    for (const r of rels) {
      if (!Array.isArray(r) || r.length !== 3) return false;
      if (typeof r[0] !== "string" || !isLinkType(r[1]) || typeof r[2] !== "string") return false;
    }
  }
  return true;
}

/**
 * `graph/placement` (master to island): `{nodes: {node: oids}, uids?: {oid: uid}, cut?: [[oid,
 * key, entry], ...]}`: the OIDs sent to each node (a list, or one string of them separated by
 * newlines), the UIDs that are not their OIDs, and the links taken out of the specs (to Drops on
 * other nodes).
 */
const PLACEMENT_MESSAGE =
  "the body must be a JSON object {nodes: {node: oids}, uids?: {oid: uid}, cut?: [[oid, linkKey, entry], ...]}, oids a list or a newline-separated string";
export const PlacementBody = v.object({
  nodes: v.record(
    v.string(),
    v.union([v.string(), v.array(v.string())], PLACEMENT_MESSAGE),
    PLACEMENT_MESSAGE,
  ),
  uids: v.optional(v.record(v.string(), v.string(), PLACEMENT_MESSAGE)),
  cut: v.optional(
    v.array(v.tuple([v.string(), v.picklist(LINK_KEYS), v.unknown()]), PLACEMENT_MESSAGE),
  ),
}, PLACEMENT_MESSAGE);

/** `graph/link` query or form fields. */
export const LinkParams = v.object({
  lhOID: v.pipe(v.string(), v.nonEmpty()),
  rhOID: v.pipe(v.string(), v.nonEmpty()),
  linkType: v.pipe(
    v.union([v.number(), v.pipe(v.string(), v.decimal(), v.transform(Number))]),
    v.integer(),
    v.minValue(0),
    v.maxValue(LinkTypes.OUTPUT),
  ),
}, "graph/link needs lhOID, rhOID and linkType");

/** One node-to-node Drop event (`POST /api/sessions/<sid>/events` carries a list). */
export const WireEventSchema = v.object({
  type: v.picklist(["dropCompleted", "producerFinished"]),
  /** The Drop that fired the event. */
  uid: v.string(),
  /** producerFinished: the local data Drop it is for. */
  to: v.optional(v.string()),
  status: v.pipe(v.number(), v.integer()),
  /** dropCompleted: bytes held by the Drop (0: nothing to read). */
  size: v.optional(v.number()),
  /** Small payloads travel inline, base64. */
  data: v.optional(v.string()),
  /** status ERROR: why (the failed Drop's error, or why the event could not be delivered). */
  error: v.optional(v.string()),
});
export type WireEvent = v.InferOutput<typeof WireEventSchema>;
const EVENT_KEYS = new Set(Object.keys(WireEventSchema.entries));

export const WireEventList = v.array(WireEventSchema, "the body must be a JSON list of events");

const optional = (x: unknown, type: "string" | "number") => x === undefined || typeof x === type;

/** True when `WireEventList` would pass `x` as it is (no key besides the schema's). */
export function fitsWireEvents(x: unknown): x is WireEvent[] {
  if (!Array.isArray(x)) return false;
  for (const e of x) {
    if (typeof e !== "object" || e === null || Array.isArray(e)) return false;
    if (e.type !== "dropCompleted" && e.type !== "producerFinished") return false;
    if (typeof e.uid !== "string" || !Number.isInteger(e.status)) return false;
    if (!optional(e.to, "string") || !optional(e.size, "number")) return false;
    if (!optional(e.data, "string") || !optional(e.error, "string")) return false;
    for (const k in e) if (!EVENT_KEYS.has(k)) return false;
  }
  return true;
}

/**
 * Events a node gave up delivering to the node `node` (its URL), as the ERRORs that tell the
 * Drops waiting there why: in a session summary (and its `session` events) as `lostEvents`, so
 * that a parent that reaches `node` delivers them in its place.
 */
/** At most this many lost events are handed on per session (the rest are only cancelled). */
export const MAX_LOST_EVENTS = 100;

export const LostEventsSchema = v.object({ node: v.string(), events: WireEventList });
export type LostEvents = v.InferOutput<typeof LostEventsSchema>;
export const LostEventsList = v.array(LostEventsSchema);
