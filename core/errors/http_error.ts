/**
 * The one error type that crosses the REST boundary. `type` is the DALiuGE exception class name,
 * because Python clients rebuild exceptions by that name; `args` is what they pass to it.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly type: string;
  readonly args: unknown;

  constructor(status: number, type: string, args: unknown) {
    super(typeof args === "object" && Array.isArray(args) ? String(args[0] ?? type) : type);
    this.name = "HttpError";
    this.status = status;
    this.type = type;
    this.args = args;
  }

  /** The JSON body DALiuGE clients expect: `{"type", "args"}`. */
  toJSON(): { type: string; args: unknown } {
    return { type: this.type, args: this.args };
  }
}

/** 400: the graph (or a Drop in it) is invalid; the message names the Drop and the problem. */
export function invalidGraph(message: string): HttpError {
  return new HttpError(400, "InvalidGraphException", [message]);
}

/** 400: the call is not allowed in the session's current state. */
export function invalidState(message: string): HttpError {
  return new HttpError(400, "InvalidSessionState", [message]);
}

/** 404: no such session. */
export function noSession(sessionId: string): HttpError {
  return new HttpError(404, "NoSessionException", [sessionId]);
}

/** 404: no such Drop in the session. */
export function noDrop(oid: string, reason = `Drop ${oid} not found`): HttpError {
  return new HttpError(404, "NoDropException", [oid, reason]);
}

/** 409: session id already in use. */
export function sessionExists(sessionId: string): HttpError {
  return new HttpError(409, "SessionAlreadyExistsException", [sessionId]);
}

/** 400: a malformed request that is not about a graph (bad body, bad parameter). */
export function badRequest(message: string): HttpError {
  return new HttpError(400, "DaliugeException", [message]);
}

/** 555: a generic engine failure, as DALiuGE's DaliugeException. */
export function daliugeError(message: string): HttpError {
  return new HttpError(555, "DaliugeException", [message]);
}
