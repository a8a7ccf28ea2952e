/** Test helper: a real node manager served over HTTP on a free port, always shut down. */
import { NodeManager } from "../manager/mod.ts";
import { createApp, nodeRoutes } from "../rest/mod.ts";

export async function withServedNode(fn: (url: string) => Promise<void>): Promise<void> {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-client-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen: () => {} },
    createApp(nm).route("/", nodeRoutes(nm)).fetch,
  );
  try {
    await fn(`http://127.0.0.1:${server.addr.port}`);
  } finally {
    ac.abort();
    await server.finished;
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
}

/** The translator-form fixture (DALiuGE v6.7 translator output, sleeps shortened). */
export async function translatorFixture(): Promise<unknown[]> {
  const url = new URL("../../tests/fixtures/translator_grpby_gather.json", import.meta.url);
  return JSON.parse(await Deno.readTextFile(url));
}
