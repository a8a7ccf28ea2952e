/** The REST interface every tier serves, and the routes each tier's entry mounts on it. */
export { type AppOptions, createApp } from "./app.ts";
export { compositeRoutes, islandRoutes, masterRoutes } from "./composite_routes.ts";
export { nodeRoutes } from "./node_routes.ts";
export { bodyLimitOf, MB, type RouteOptions, SUCCESS } from "./reply.ts";
export { errorResponse } from "./errors.ts";
export { canonicalOrigin, DALIUGE_CLIENT_ORIGIN, isLoopback } from "./origin.ts";
