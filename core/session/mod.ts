/** Sessions: one physical graph's lifecycle and execution. */
export { type RemoteLinks, Session, type SessionOptions, type WatchOptions } from "./session.ts";
export {
  type BusEvent,
  type DropChange,
  type DropWatcher,
  type LogEvent,
  ManagerEvents,
  type ManagerWatcher,
  SessionBus,
  type SessionChange,
  type StreamListener,
} from "./events.ts";
export { EventLog, EventReader, type Snapshot, sseBytes, type SseEvent } from "./event_log.ts";
export { type DropState, SLICED_SNAPSHOT_AT, SlicedSnapshot, stateText } from "./snapshot.ts";
export { buildGraph, findCycle } from "./build.ts";
export { checkPaths, filePath, normalizePath } from "./paths.ts";
