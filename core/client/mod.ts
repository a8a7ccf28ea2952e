/** The public TypeScript client for every tier (also used by the composite managers). */
export {
  baseUrl,
  type ClientOptions,
  DlgClientError,
  type RequestOptions,
  RestClient,
} from "./base.ts";
export {
  BaseManagerClient,
  CompositeManagerClient,
  DataIslandManagerClient,
  MasterManagerClient,
  NodeManagerClient,
  type SessionInfo,
} from "./managers.ts";
