/** DALiuGE's exception class names, as servers send them in an error's `type`. */
export const DLG_ERROR_TYPES = [
  "DaliugeException",
  "InvalidDropException",
  "InvalidRelationshipException",
  "InvalidGraphException",
  "NoDropException",
  "NoSessionException",
  "SessionAlreadyExistsException",
  "InvalidSessionState",
  "SubManagerException",
  "ErrorManagerCaughtException",
  "RestClientException",
  "NotImplementedError",
  "Unauthorized",
  "Forbidden",
] as const;

export type DlgErrorType = typeof DLG_ERROR_TYPES[number];
