/**
 * The wire: what crosses between tiers and clients. Route paths, DALiuGE's DROPLinkType table
 * and link lists, node strings, exception type names, and the schemas of request bodies.
 * Depends on nothing in core.
 */
export { DLG_ERROR_TYPES, type DlgErrorType } from "./error_types.ts";
export {
  type Edge,
  edgeOf,
  LINK_KEYS,
  LINK_TYPE_OF,
  type LinkKey,
  linkKeyOf,
  type LinkType,
  LinkTypes,
} from "./link_types.ts";
export { linkOid, linkOids } from "./links.ts";
export { baseUrl, type NodeRef, parseNode, parseNodeList } from "./node_string.ts";
export {
  API_PATH,
  dropBytesPath,
  dropFilePath,
  dropPath,
  islandPath,
  ISLANDS_PATH,
  managerIslandPath,
  managerNodePath,
  nodePath,
  NODES_PATH,
  sessionPath,
  type SessionRoute,
  SESSIONS_PATH,
  SHUTDOWN_PATH,
  STOP_PATH,
  SUBMISSION_METHOD_PATH,
} from "./routes.ts";
export {
  CompletedField,
  CreateSessionBody,
  fitsSubscriptions,
  fitsWireEvents,
  LinkParams,
  type LostEvents,
  LostEventsList,
  MAX_LOST_EVENTS,
  PlacementBody,
  SubscriptionsBody,
  UidList,
  type WireEvent,
  WireEventList,
  WireEventSchema,
} from "./schemas.ts";
