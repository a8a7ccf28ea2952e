/** Drops: state machines, data stores and the events that drive execution. */
export { AppDrop, type AppImpl, type AppOptions } from "./app_drop.ts";
export { type Consumer, DataDrop } from "./data_drop.ts";
export { CannotRun, Drop, type DropHost, type LogLine } from "./drop.ts";
export { eachLink, linkAdded, linkCount, linkList, type Links, linksHave } from "./links.ts";
export {
  appStateName,
  AppStates,
  dropStateName,
  DropStates,
  isSessionOver,
  isTerminal,
  sessionStateName,
  SessionStates,
} from "./states.ts";
export { type DataStore, FileStore, MemoryStore, NullStore } from "./store.ts";
export {
  confined,
  isUnder,
  normalizePath,
  type PathCache,
  pathCache,
  realPath,
} from "./real_path.ts";
