/** The UI routes in-process: the page, its script (valid JS) and style, from inside the module. */
import assert from "node:assert/strict";
import { APP_JS, uiRoutes } from "./mod.ts";

Deno.test("GET / serves the page, which loads /ui/app.js and /ui/app.css", async () => {
  const app = uiRoutes();
  const page = await app.request("/");
  assert.equal(page.status, 200);
  assert.match(page.headers.get("content-type")!, /^text\/html/);
  const html = await page.text();
  assert.match(html, /src="\/ui\/app.js"/);
  assert.match(html, /href="\/ui\/app.css"/);
  const css = await app.request("/ui/app.css");
  assert.match(css.headers.get("content-type")!, /^text\/css/);
  assert.ok((await css.text()).length > 100);
});

Deno.test("GET /ui/app.js is the whole script and parses as JavaScript", async () => {
  const res = await uiRoutes().request("/ui/app.js");
  assert.match(res.headers.get("content-type")!, /^text\/javascript/);
  assert.equal(await res.text(), APP_JS);
  new Function(APP_JS); // throws SyntaxError on a broken script; not run (it needs a DOM)
  for (const name of ["followEvents", "askToken", "layeredLayout", "GraphView", "sessionPage"]) {
    assert.match(APP_JS, new RegExp(`(function|class) ${name}\\b`));
  }
});
