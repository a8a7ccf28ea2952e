/**
 * The REST paths every tier serves, built for callers: ids are percent-encoded, so an id with
 * `/`, `?` or a space is one path segment. Paths are relative to a manager's base URL.
 */

const enc = encodeURIComponent;

export const API_PATH = "/api";
export const STOP_PATH = "/api/stop";
export const SHUTDOWN_PATH = "/api/shutdown";
export const SUBMISSION_METHOD_PATH = "/api/submission_method";
export const SESSIONS_PATH = "/api/sessions";
export const NODES_PATH = "/api/nodes";
export const ISLANDS_PATH = "/api/islands";

/** What follows `/api/sessions/<sid>` in a session route. */
export type SessionRoute =
  | ""
  | "/status"
  | "/dir"
  | "/deploy"
  | "/cancel"
  | "/logs"
  | "/repro/status"
  | "/repro/data"
  | "/graph"
  | "/graph/size"
  | "/graph/status"
  | "/graph/append"
  | "/graph/remove"
  | "/graph/link"
  | "/graph/placement"
  | "/subscriptions"
  | "/trigger"
  | "/events";

/** `/api/sessions/<sid><route>`. */
export function sessionPath(sessionId: string, route: SessionRoute = ""): string {
  return `${SESSIONS_PATH}/${enc(sessionId)}${route}`;
}

/** `GET .../graph/drop/<oid>`: one Drop's status. */
export function dropPath(sessionId: string, oid: string): string {
  return `${sessionPath(sessionId, "/graph")}/drop/${enc(oid)}`;
}

/** `GET .../graph/drop/data/<oid>`: where a file Drop's data lies. */
export function dropFilePath(sessionId: string, oid: string): string {
  return `${sessionPath(sessionId, "/graph")}/drop/data/${enc(oid)}`;
}

/** `GET|POST .../drops/<uid>/data` (node to node): a Drop's bytes as a stream. */
export function dropBytesPath(sessionId: string, uid: string): string {
  return `${sessionPath(sessionId)}/drops/${enc(uid)}/data`;
}

/** `POST|DELETE /api/node/<node>` at a composite manager. */
export function nodePath(node: string): string {
  return `/api/node/${enc(node)}`;
}

/** `POST|DELETE /api/island/<island>` at a master. */
export function islandPath(island: string): string {
  return `/api/island/${enc(island)}`;
}

/** DALiuGE's daemon routes on a master: `/api/managers/<host>/island`. */
export function managerIslandPath(host: string): string {
  return `/api/managers/${enc(host)}/island`;
}

/** DALiuGE's daemon routes on a master: `/api/managers/<island>/node/<node>`. */
export function managerNodePath(island: string, node: string): string {
  return `/api/managers/${enc(island)}/node/${enc(node)}`;
}
