import assert from "node:assert/strict";
import { NodeManager } from "../manager/mod.ts";
import { createApp } from "./mod.ts";

async function withApp(
  fn: (req: (path: string, init?: RequestInit) => Promise<Response>) => Promise<void>,
) {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-rest-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  const app = createApp(nm, { maxRequestSize: 1024 * 1024 });
  try {
    await fn((path, init) => Promise.resolve(app.request(path, init)));
  } finally {
    nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}

Deno.test("GET /api/submission_method answers DALiuGE's methods", async () => {
  await withApp(async (req) => {
    const r = await req("/api/submission_method");
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { methods: ["BROWSER", "SERVER"] });
  });
});
