/** Drop managers: the node manager and the composite (island/master) manager. */
export { checkSessionId, NodeManager, type NodeManagerOptions } from "./node_manager.ts";
export { CompositeManager, type CompositeOptions } from "./composite_manager.ts";
export { type NodeRef, parseNode, parseNodeList } from "./node_string.ts";
export type {
  DropManager,
  EventStream,
  MaybePromise,
  SessionDetails,
  SessionSummary,
} from "./types.ts";
