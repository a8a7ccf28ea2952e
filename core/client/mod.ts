/** The public TypeScript client for every tier (also used by the composite managers). */
export {
  type CallInfo,
  type ClientOptions,
  createTransport,
  describeArgs,
  DlgClientError,
  type RequestOptions,
  responseError,
  RestClient,
  type Transport,
  type TrustOptions,
} from "./base.ts";
// Kept here for code that imports them from the client.
export { baseUrl, type DlgErrorType, linkOids } from "../wire/mod.ts";
export {
  type AppendOptions,
  BaseManagerClient,
  CompositeManagerClient,
  DataIslandManagerClient,
  MasterManagerClient,
  NodeManagerClient,
} from "./managers.ts";
export type {
  DropInfo,
  DropStatus,
  GraphStatus,
  SessionDetails,
  SessionInfo,
  SessionStatus,
  Subscriptions,
  Success,
} from "./types.ts";
export {
  DEFAULT_PART_BYTES,
  graphParts,
  graphRoots,
  graphSpecs,
  newSessionId,
  splitGraph,
  submitGraph,
  type SubmitOptions,
  type SubmitResult,
} from "./submit.ts";
export {
  countDrops,
  type DropCounts,
  isSessionOver,
  reduceSessionStatus,
  sessionStatusName,
} from "./status.ts";
export { type SessionProgress, waitForSession, type WaitOptions } from "./wait.ts";
export { jitter, pause } from "./retry.ts";
export {
  type EventsOptions,
  eventsPath,
  noEventStream,
  type RawSessionEvent,
  rawSessionEvents,
  type SessionEvent,
  sessionEvents,
} from "./events.ts";
export { formatProgress, type ProgressLine } from "./progress.ts";
