import assert from "node:assert/strict";
import { killGroup, runBash } from "./mod.ts";

Deno.test("runBash aborted kills its process group and leaves no SIGKILL timer behind", async () => {
  const ac = new AbortController();
  const t0 = Date.now();
  const run = runBash("sleep 30", { cwd: "/tmp", env: {}, signal: ac.signal });
  setTimeout(() => ac.abort(), 50);
  const r = await run;
  assert.notEqual(r.code, 0);
  assert.ok(Date.now() - t0 < 2000, "ended by SIGTERM, not the SIGKILL grace");
  // The ops sanitizer fails this test if the 2 s SIGKILL timer is still pending here.
});

Deno.test("killGroup SIGKILLs a group that ignores SIGTERM after the grace period", async () => {
  const child = new Deno.Command("/bin/sh", {
    args: ["-c", "trap '' TERM; echo up; sleep 30 & wait"],
    stdout: "piped",
    detached: true,
  }).spawn();
  const reader = child.stdout.getReader();
  await reader.read(); // "up": the trap is set
  reader.releaseLock();
  const t0 = Date.now();
  killGroup(child.pid, { graceMs: 200, exited: child.status });
  const s = await child.status;
  await child.stdout.cancel();
  assert.equal(s.signal, "SIGKILL");
  assert.ok(Date.now() - t0 >= 200);
});
