/** The web UI every tier serves at `/`. */
export { APP_JS, uiRoutes } from "./ui_route.ts";
