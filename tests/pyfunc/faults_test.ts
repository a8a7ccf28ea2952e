/**
 * Python workers that must stop: a cancelled session kills the process running its function
 * (DALiuGE lets it run on), and a worker killed mid-call fails its Drop with the reason.
 */
import assert from "node:assert/strict";
import { SessionStates } from "../../core/drops/states.ts";
import { waitFor } from "../../core/testing/mod.ts";
import { append, createSession, deploy, waitEnded } from "../translator/_run.ts";
import { arg, memory, pidAlive, py, type PyNode, withPyNode } from "./_node.ts";

/** Start `dlgts_testmod.napper` (sleeps 60 s) in session `sid`; its worker's pid. */
async function startNapper(n: PyNode, sid: string): Promise<number> {
  await createSession(n.call, sid);
  const graph = [
    py("A", {
      func_name: "dlgts_testmod.napper",
      applicationArgs: { pidfile: arg("pid") },
      outputs: [{ F: "out" }],
    }),
    memory("F", { producers: [{ A: "out" }] }),
  ];
  assert.equal((await append(n.call, sid, graph)).status, 200);
  assert.equal((await deploy(n.call, sid, ["A"])).status, 200);
  const pidText = await waitFor(
    () => Deno.readTextFile(`${n.proc.workDir}/${sid}/pid`).catch(() => ""),
    { until: (s) => s.length > 0, timeout: 10_000, what: "the napper's pid file" },
  );
  return Number(pidText);
}

Deno.test("cancelling a session running time.sleep(60) leaves no python busy within 5 s", async () => {
  await withPyNode(async (n) => {
    const pid = await startNapper(n, "nap");
    assert.ok(pidAlive(pid));
    const t0 = performance.now();
    assert.equal((await n.call("POST", "/api/sessions/nap/cancel")).status, 200);
    await waitFor(() => pidAlive(pid), { until: (a) => !a, timeout: 5000, what: "worker gone" });
    assert.ok(performance.now() - t0 < 5000);
    assert.deepEqual(await waitEnded(n.call, "nap", 5000), [SessionStates.CANCELLED]);
    // The pool replaced the worker: the next call runs.
    const r = await n.run("after", [
      py("A", { func_name: "builtins.abs", applicationArgs: { x: arg(-4) } }),
    ]);
    assert.deepEqual(r.final, [SessionStates.FINISHED]);
  });
});

Deno.test("a python worker SIGKILLed mid-call fails its Drop with the exit reason", async () => {
  await withPyNode(async (n) => {
    const pid = await startNapper(n, "kill");
    Deno.kill(pid, "SIGKILL");
    assert.deepEqual(await waitEnded(n.call, "kill", 10_000), [SessionStates.FAILED]);
    const info = await n.drop("kill", "A");
    assert.match(info.error!, /^python worker \(pid \d+\) was killed by SIGKILL/);
    const r = await n.run("after", [
      py("A", { func_name: "builtins.abs", applicationArgs: { x: arg(-4) } }),
    ]);
    assert.deepEqual(r.final, [SessionStates.FINISHED]);
  });
});
