/** The README's `deno task demo` reads well and ends by itself without a terminal (CI). */
import assert from "node:assert/strict";

const DEMO = new URL("../examples/demo.ts", import.meta.url).pathname;

Deno.test("the demo runs the sample graph, says what to do next and stops without a terminal", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", DEMO],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
  const r = await child.output();
  clearTimeout(timer);
  const out = new TextDecoder().decode(r.stdout);
  assert.equal(r.code, 0, out + new TextDecoder().decode(r.stderr));
  assert.match(out, /Session demo-\d+ FINISHED in [\d.]+s\./);
  assert.match(out, /\| HELLO FROM NODE 1, READ OVER HTTP BY NODE 2\n {2}\| Hello cluster\n/);
  assert.match(out, /the web UI {5}http:\/\/127\.0\.0\.1:\d+\//);
  assert.match(out, /deno task dlg -m 127\.0\.0\.1:\d+ logs demo-\d+/);
  assert.doesNotMatch(out, /5555|6666/, "no DALiuGE port numbers that are never used");
  assert.doesNotMatch(out, /\/tmp\/|result\.txt/, "no path of a file about to be deleted");
  assert.match(out, /Stopping the cluster/);
});
