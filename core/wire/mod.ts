/** What travels between tiers and clients: names and shapes both sides agree on. */
export { DLG_ERROR_TYPES, type DlgErrorType } from "./error_types.ts";
