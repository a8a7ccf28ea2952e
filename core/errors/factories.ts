/** Every HttpError the engine raises, by what went wrong; status and type as DALiuGE's. */
import { type ErrorBody, HttpError } from "./http_error.ts";

type Cause = { cause?: unknown };

/** 400: the graph (or a Drop in it) is invalid; the message names the Drop and the problem. */
export function invalidGraph(message: string, o: Cause = {}): HttpError {
  return new HttpError(400, "InvalidGraphException", message, o);
}

/** 400: the call is not allowed in the session's current state. */
export function invalidState(message: string): HttpError {
  return new HttpError(400, "InvalidSessionState", message);
}

/** 400: a malformed request that is not about a graph (bad body, bad parameter). */
export function badRequest(message: string, o: Cause = {}): HttpError {
  return new HttpError(400, "DaliugeException", message, o);
}

/** 404: no such session. */
export function noSession(sessionId: string): HttpError {
  return new HttpError(404, "NoSessionException", `no session ${sessionId}`, {
    args: [sessionId],
  });
}

/** 404: no such Drop in the session. */
export function noDrop(oid: string, reason = `Drop ${oid} not found`): HttpError {
  return new HttpError(404, "NoDropException", reason, { args: [oid, reason] });
}

/** 404: a node or island this manager does not have. */
export function unknownChild(message: string): HttpError {
  return new HttpError(404, "DaliugeException", message);
}

/** 404: no route for the request. */
export function noRoute(method: string, path: string): HttpError {
  return new HttpError(404, "DaliugeException", `no route for ${method} ${path}`);
}

/** 409: session id already in use. */
export function sessionExists(sessionId: string): HttpError {
  return new HttpError(409, "SessionAlreadyExistsException", `session ${sessionId} exists`, {
    args: [sessionId],
  });
}

/** 413: a body over the limit. */
export function tooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    "DaliugeException",
    `request body larger than the limit of ${limit} bytes (--max-request-size)`,
  );
}

/** 413: more bytes sent for a Drop than its declared `expectedSize`. */
export function dataTooLarge(uid: string, expected: number): HttpError {
  return new HttpError(
    413,
    "DaliugeException",
    `Drop ${uid} declares ${expected} bytes (expectedSize): more were sent`,
  );
}

/** 401: no token, or not the manager's (the message never carries what was sent). */
export function unauthorized(message: string): HttpError {
  return new HttpError(401, "Unauthorized", message);
}

/** 403: a request naming another host to a manager listening on loopback only (DNS rebinding). */
export function foreignHost(host: string): HttpError {
  return new HttpError(
    403,
    "Forbidden",
    `Host ${host} is not this manager's: it listens on loopback only, so a request must name it ` +
      "localhost, 127.0.0.1 or [::1] (a page served elsewhere may have rebound its name here)",
  );
}

/** 403: a state-changing request from an origin the manager does not allow. */
export function forbiddenOrigin(origin: string, allowed: string): HttpError {
  return new HttpError(
    403,
    "Forbidden",
    `origin ${origin} is not allowed: a page may change state only from this manager's own ` +
      `origin, ${allowed} or an origin its operator allows (--allow-origin)`,
  );
}

/** 413: a compressed body that inflates past the limit. */
export function inflatedTooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    "DaliugeException",
    `request body inflates past the limit of ${limit} bytes (--max-inflated-size)`,
  );
}

/** 415: a graph sent with a content type other than JSON or text. */
export function unsupportedContentType(got: string | undefined): HttpError {
  return new HttpError(
    415,
    "InvalidGraphException",
    `graph/append needs Content-Type application/json or text/plain, got ${got || "none"}`,
  );
}

/** 415: a body in an encoding we cannot read. */
export function unsupportedEncoding(encoding: string): HttpError {
  return new HttpError(415, "DaliugeException", `unsupported Content-Encoding ${encoding}`);
}

/** 501: a route DALiuGE has that we do not implement. */
export function notImplemented(message: string): HttpError {
  return new HttpError(501, "NotImplementedError", message);
}

/** 555: a generic engine failure, as DALiuGE's DaliugeException. */
export function daliugeError(message: string, o: Cause = {}): HttpError {
  return new HttpError(555, "DaliugeException", message, o);
}

/** 555: children failed; `args` maps each child's name to its real error. */
export function subManagerError(errors: Record<string, ErrorBody>): HttpError {
  const message = Object.entries(errors).map(([name, e]) => `${name}: ${e.type}`).join("; ");
  return new HttpError(555, "SubManagerException", `sub-managers failed (${message})`, {
    args: errors,
  });
}
