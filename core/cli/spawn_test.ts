import assert from "node:assert/strict";
import {
  MASTER_V8_FLAGS,
  NODE_ENV,
  spawnListening,
  spawnTier,
  TIER_V8_FLAGS,
  tierEnv,
  tierV8Flags,
} from "./spawn.ts";

const NODE = new URL("../../cmd/dlg-node.ts", import.meta.url).pathname;

Deno.test("spawnTier runs a node on a free port, read from its first line, and stops it", async () => {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-spawn-" });
  try {
    const p = await spawnTier(NODE, ["-w", workDir]);
    assert.match(p.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(p.hostPort, p.url.slice("http://".length));
    const r = await fetch(`${p.url}/api/sessions`);
    assert.deepEqual(await r.json(), []);
    assert.equal((await p.stop()).code, 0);
    assert.match(p.output(), /dlg-node listening on /);
  } finally {
    await Deno.remove(workDir, { recursive: true });
  }
});

Deno.test("spawnListening rejects, with the output, when the command exits first", async () => {
  await assert.rejects(
    spawnListening("/bin/sh", ["-c", "echo no url here; exit 3"]),
    /exited \(3\) before listening:\nno url here/,
  );
});

Deno.test("spawnListening kills a command that does not print a URL in time", async () => {
  const t0 = Date.now();
  await assert.rejects(spawnListening("/bin/sleep", ["30"], { timeoutMs: 200 }), /did not start/);
  assert.ok(Date.now() - t0 < 5000);
});

Deno.test("a started node manager has NODE_ENV unless the caller set it; other tiers do not", async () => {
  const key = "DENO_TOKIO_EVENT_INTERVAL";
  const was = Deno.env.get(key);
  try {
    Deno.env.delete(key);
    assert.equal(tierEnv("/repo/cmd/dlg-node.ts")[key], NODE_ENV[key]);
    assert.equal(tierEnv("dist/dlg-node")[key], NODE_ENV[key]);
    assert.equal(tierEnv("dlg-node.js", { [key]: "3" })[key], "3");
    assert.equal(tierEnv("/repo/cmd/dlg-master.ts")[key], undefined);
    assert.equal(tierEnv("dist/dlg-island")[key], undefined);
    const script = `echo "http://127.0.0.1:1/$${key}"; exec sleep 5`;
    const shown = async (args: string[], env?: Record<string, string>) => {
      const p = await spawnListening("/bin/sh", args, { env });
      await p.stop();
      return p.output();
    };
    // As a compiled dlg-node would see it (the command is /bin/sh here: nothing added).
    assert.match(await shown(["-c", script], tierEnv("dist/dlg-node")), /\/8\n/);
    assert.match(await shown(["-c", script]), /\/\n/);
    // The caller's own value is the child's: nothing is added over it.
    Deno.env.set(key, "61");
    assert.equal(tierEnv("dist/dlg-node")[key], undefined);
  } finally {
    if (was === undefined) Deno.env.delete(key);
    else Deno.env.set(key, was);
  }
});

Deno.test("a master runs with its own V8 flags, other tiers with theirs, wherever started", async () => {
  for (const cmd of ["/repo/cmd/dlg-master.ts", "dist/dlg-master", "dlg-master.js", "dlg-master"]) {
    assert.deepEqual(tierV8Flags(cmd), MASTER_V8_FLAGS, cmd);
  }
  for (const cmd of ["/repo/cmd/dlg-node.ts", "dist/dlg-island", "dlg-node", "my-dlg-master-x"]) {
    assert.deepEqual(tierV8Flags(cmd), TIER_V8_FLAGS, cmd);
  }
  // The tasks and the SLURM script say the same as the code.
  const root = new URL("../../", import.meta.url);
  const tasks = JSON.parse(await Deno.readTextFile(new URL("deno.json", root))).tasks;
  const slurm = await Deno.readTextFile(new URL("deploy/slurm/dlg-slurm.sh", root));
  for (const [tier, flags] of [["master", MASTER_V8_FLAGS], ["node", TIER_V8_FLAGS]] as const) {
    assert.ok(tasks[tier].includes(`--v8-flags=${flags.join(",")} `), tasks[tier]);
    assert.ok(slurm.includes(`v8=${flags.join(",")}\n`), tier);
  }
  assert.ok(tasks.island.includes(`--v8-flags=${TIER_V8_FLAGS.join(",")} `), tasks.island);
  // A master started here gets them.
  const p = await spawnTier(new URL("cmd/dlg-master.ts", root).pathname, []);
  try {
    const cmdline = (await Deno.readTextFile(`/proc/${p.child.pid}/cmdline`)).split("\0");
    assert.ok(cmdline.includes(`--v8-flags=${MASTER_V8_FLAGS.join(",")}`), cmdline.join(" "));
  } finally {
    await p.stop();
  }
});
