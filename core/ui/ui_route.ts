/**
 * The web UI every tier serves (DESIGN §11): `/` is the page, `/ui/app.js` and `/ui/app.css`
 * its script and style, all strings inside the binary (no CDN, no build step). The page reads
 * the same REST routes and event streams as any client.
 */
import { Hono } from "hono";
import { API_JS } from "./js_api.ts";
import { CANVAS_JS } from "./js_canvas.ts";
import { LAYOUT_JS } from "./js_layout.ts";
import { SESSION_JS } from "./js_session.ts";
import { SESSIONS_JS } from "./js_sessions.ts";
import { PAGE_CSS, PAGE_HTML } from "./page.ts";

/** The whole script, one strict-mode scope. */
export const APP_JS =
  `"use strict";\n(() => {\n${API_JS}${LAYOUT_JS}${CANVAS_JS}${SESSIONS_JS}${SESSION_JS}})();\n`;

/** The UI routes, mounted by `createApp`. */
export function uiRoutes(): Hono {
  const app = new Hono();
  const send = (body: string, type: string) => () =>
    new Response(body, {
      headers: {
        "content-type": `${type}; charset=utf-8`,
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      },
    });
  app.get("/", send(PAGE_HTML, "text/html"));
  app.get("/ui/app.js", send(APP_JS, "text/javascript"));
  app.get("/ui/app.css", send(PAGE_CSS, "text/css"));
  return app;
}
