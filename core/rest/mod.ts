/** The REST interface every tier serves. */
export { type AppOptions, createApp } from "./app.ts";
export { MB, SUCCESS } from "./reply.ts";
export { errorResponse } from "./errors.ts";
export { canonicalOrigin, DALIUGE_CLIENT_ORIGIN } from "./origin.ts";
