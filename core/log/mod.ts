/** Manager logs: stderr (text or JSON lines, by level), per-session files, the logs route. */
export { levelOf, type LogFormat, type LogSetup, setupLogging } from "./setup.ts";
export { type FileLevel, logLine, SessionLogFiles } from "./session_files.ts";
export { logManagerEvents, type ManagerLogOptions, stateText } from "./manager_log.ts";
export { requestLog } from "./request_log.ts";
export { CompositeSessionLog } from "./composite_log.ts";
export { type ChildLike, logChildren } from "./children_log.ts";
export { compositeLogsRoute, mergeLines, nodeLogsRoute } from "./logs_route.ts";
export { getLogger } from "@logtape/logtape";
