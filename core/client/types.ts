/** Typed results of the REST API, as every tier answers them. */

/** A session status: an int on a node, a map per child on an island, nested at the master. */
export type SessionStatus = number | { [child: string]: SessionStatus };

/** One Drop in `graph/status`; apps also carry `execStatus`. */
export interface DropStatus {
  status: number;
  execStatus?: number;
}

/** `GET .../graph/status`: OID -> status. */
export type GraphStatus = Record<string, DropStatus>;

/** One item of `GET /api/sessions`. */
export interface SessionInfo {
  sessionId: string;
  status: SessionStatus;
  size: number;
}

/** `GET /api/sessions/<sid>`. */
export interface SessionDetails {
  status: SessionStatus;
  graph: Record<string, Record<string, unknown>>;
  dir: unknown;
}

/** `GET .../graph/drop/<oid>`: the Drop's state and captured log records. */
export interface DropInfo {
  session: string;
  status: SessionStatus;
  oid: string;
  logs: Record<string, unknown>[];
  [key: string]: unknown;
}

/** `{"Status": "Success"}`, what DALiuGE answers when a call returns nothing. */
export interface Success {
  Status: "Success";
}

/** `POST .../subscriptions` body: peer node -> `[lhsUid, DROPLinkType, rhsUid]` relations. */
export type Subscriptions = Record<string, [string, number, string][]>;
