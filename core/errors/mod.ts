/** Errors that map to DALiuGE's `{"type", "args"}` JSON bodies. */
export { type ErrorBody, HttpError, type HttpErrorOptions, type HttpStatus } from "./http_error.ts";
export {
  badRequest,
  daliugeError,
  dataTooLarge,
  forbiddenOrigin,
  foreignHost,
  inflatedTooLarge,
  invalidGraph,
  invalidState,
  noDrop,
  noRoute,
  noSession,
  notImplemented,
  sessionExists,
  subManagerError,
  tooLarge,
  unauthorized,
  unknownChild,
  unsupportedContentType,
  unsupportedEncoding,
} from "./factories.ts";
