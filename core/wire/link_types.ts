/**
 * DALiuGE's DROPLinkType and the spec link lists it maps to. A relation `(lhs, type, rhs)`
 * reads "lhs is <type> of rhs" (`subscriptions`, `graph/link`).
 */

/** DALiuGE's DROPLinkType, by name. */
export const LinkTypes = {
  CONSUMER: 0,
  STREAMING_CONSUMER: 1,
  PRODUCER: 2,
  PARENT: 3,
  CHILD: 4,
  INPUT: 5,
  STREAMING_INPUT: 6,
  OUTPUT: 7,
} as const;
export type LinkType = (typeof LinkTypes)[keyof typeof LinkTypes];

/** The spec keys that hold link lists. */
export const LINK_KEYS = [
  "consumers",
  "streamingConsumers",
  "producers",
  "inputs",
  "streamingInputs",
  "outputs",
] as const;
export type LinkKey = (typeof LINK_KEYS)[number];

/** The DROPLinkType of each link list: `B in A.consumers` is "B is CONSUMER of A". */
export const LINK_TYPE_OF: Readonly<Record<LinkKey, LinkType>> = {
  consumers: LinkTypes.CONSUMER,
  streamingConsumers: LinkTypes.STREAMING_CONSUMER,
  producers: LinkTypes.PRODUCER,
  inputs: LinkTypes.INPUT,
  streamingInputs: LinkTypes.STREAMING_INPUT,
  outputs: LinkTypes.OUTPUT,
};

const KEY_OF = new Map<number, LinkKey>(LINK_KEYS.map((k) => [LINK_TYPE_OF[k], k]));

/** The link list a DROPLinkType appends to; undefined for PARENT/CHILD and unknown numbers. */
export function linkKeyOf(type: number): LinkKey | undefined {
  return KEY_OF.get(type);
}

/** A cross-Drop edge: data -> app (consume) or app -> data (produce). */
export interface Edge {
  kind: "consume" | "produce";
  data: string;
  app: string;
}

/** The edge a relation `(lhs, type, rhs)` describes; undefined for parent/child links. */
export function edgeOf(lhs: string, type: number, rhs: string): Edge | undefined {
  const L = LinkTypes;
  if (type === L.CONSUMER || type === L.STREAMING_CONSUMER) {
    return { kind: "consume", data: rhs, app: lhs };
  }
  if (type === L.INPUT || type === L.STREAMING_INPUT) {
    return { kind: "consume", data: lhs, app: rhs };
  }
  if (type === L.PRODUCER) return { kind: "produce", data: rhs, app: lhs };
  if (type === L.OUTPUT) return { kind: "produce", data: lhs, app: rhs };
  return undefined;
}
