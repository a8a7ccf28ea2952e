/** Errors that map to DALiuGE's `{"type", "args"}` JSON bodies. */
export {
  badRequest,
  daliugeError,
  HttpError,
  invalidGraph,
  invalidState,
  noDrop,
  noSession,
  sessionExists,
} from "./http_error.ts";
