/** Sessions: one physical graph's lifecycle and execution. */
export { type RemoteLinks, Session, type SessionOptions } from "./session.ts";
export { type Listener, type SessionEvent, SessionEvents } from "./events.ts";
export { buildGraph, findCycle } from "./build.ts";
export { checkPaths, filePath, normalizePath } from "./paths.ts";
