/**
 * SLURM for real (`deno task test:slurm`; not in the default suite): a one-machine cluster
 * (munged, slurmctld and slurmd on a configuration written into a temp dir, installed from
 * Debian's slurm-wlm when missing), dlg.sbatch with 4 node managers as tasks on different ports
 * under 2 islands, a cross-node graph submitted by the launcher, then a job cancelled with
 * scancel leaving no dlg process behind. A machine that cannot run it fails, saying why.
 */
import assert from "node:assert/strict";
import { waitFor } from "../../core/testing/mod.ts";

const HERE = new URL(".", import.meta.url).pathname;
const MEM = "dlg.data.drops.memory.InMemoryDROP";

async function sh(cmd: string, args: string[], env?: Record<string, string>, cwd?: string) {
  const out = await new Deno.Command(cmd, { args, env, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout) + new TextDecoder().decode(out.stderr);
  return { code: out.code, text };
}

async function has(cmd: string): Promise<boolean> {
  return (await sh("sh", ["-c", `command -v ${cmd}`])).code === 0;
}

/** slurm-wlm and munge, installed when missing (needs root), else a clear failure. */
async function ensureSlurm(): Promise<void> {
  const need = ["slurmctld", "slurmd", "sbatch", "munged"];
  if ((await Promise.all(need.map(has))).every(Boolean)) return;
  if (Deno.uid() !== 0) {
    throw new Error("cannot run SLURM here: slurm-wlm is not installed and this is not root");
  }
  const r = await sh("apt-get", ["install", "-y", "-qq", "slurm-wlm", "munge"], {
    DEBIAN_FRONTEND: "noninteractive",
  });
  if (r.code !== 0) throw new Error(`cannot run SLURM here: apt-get install failed:\n${r.text}`);
}

interface Slurm {
  dir: string;
  env: Record<string, string>;
  stop(): Promise<void>;
}

/** munged + slurmctld + slurmd for this machine, all in `dir`, on free ports. */
async function startSlurm(): Promise<Slurm> {
  if (Deno.uid() !== 0) throw new Error("cannot run SLURM here: slurmd needs root");
  const dir = await Deno.makeTempDir({ prefix: "dlg-slurm-" });
  await Deno.chmod(dir, 0o755);
  const host = (await sh("hostname", ["-s"])).text.trim();
  const key = crypto.getRandomValues(new Uint8Array(1024));
  await Deno.writeFile(`${dir}/munge.key`, key, { mode: 0o600 });
  for (const d of ["state", "spool"]) await Deno.mkdir(`${dir}/${d}`);
  const port = 20000 + Math.floor(Math.random() * 20000);
  await Deno.writeTextFile(
    `${dir}/slurm.conf`,
    `ClusterName=dlgtest
SlurmctldHost=${host}
SlurmUser=root
SlurmdUser=root
SlurmctldPort=${port}
SlurmdPort=${port + 1}
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=${dir}/munge.sock
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/slurmctld.log
SlurmdLogFile=${dir}/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SlurmdParameters=config_overrides
MpiDefault=none
ReturnToService=2
KillWait=10
NodeName=${host} NodeAddr=127.0.0.1 CPUs=8 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=YES
`,
  );
  const env = { SLURM_CONF: `${dir}/slurm.conf` };
  const daemons: Deno.ChildProcess[] = [];
  const spawn = (cmd: string, args: string[]) => {
    const p = new Deno.Command(cmd, { args, env, stdout: "null", stderr: "null" }).spawn();
    daemons.push(p);
  };
  const stop = async () => {
    for (const p of daemons.reverse()) {
      try {
        p.kill("SIGTERM");
      } catch { /* gone */ }
      await p.status;
    }
    await Deno.remove(dir, { recursive: true }).catch(() => {});
  };
  try {
    spawn("munged", [
      "-F",
      "-f",
      `--key-file=${dir}/munge.key`,
      `--socket=${dir}/munge.sock`,
      `--log-file=${dir}/munged.log`,
      `--pid-file=${dir}/munged.pid`,
      `--seed-file=${dir}/munged.seed`,
      "--num-threads=10",
    ]);
    await waitFor(() => Deno.stat(`${dir}/munge.sock`).then(() => true, () => false), {
      timeout: 10_000,
      what: "munged's socket",
    });
    spawn("slurmctld", ["-D", "-c", "-f", env.SLURM_CONF]);
    spawn("slurmd", ["-D", "-f", env.SLURM_CONF]);
    await waitFor(async () => (await sh("sinfo", ["-h", "-o", "%t"], env)).text.trim(), {
      until: (t) => t === "idle",
      timeout: 30_000,
      what: "the SLURM node idle",
    });
  } catch (e) {
    const logs = await sh("sh", ["-c", `tail -n 20 ${dir}/*.log`]);
    await stop();
    throw new Error(`cannot run SLURM here: ${(e as Error).message}\n${logs.text}`);
  }
  return { dir, env, stop };
}

async function jobState(s: Slurm, id: string): Promise<string> {
  const r = await sh("scontrol", ["show", "job", id], s.env);
  return r.text.match(/JobState=(\w+)/)?.[1] ?? "GONE";
}

/** PIDs of this test's job processes (`id`, or any), by their environment. */
async function jobProcesses(s: Slurm, id?: string): Promise<number[]> {
  const out: number[] = [];
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name) || Number(e.name) === Deno.pid) continue;
    try {
      const env = (await Deno.readTextFile(`/proc/${e.name}/environ`)).split("\0");
      if (!env.includes(`SLURM_CONF=${s.env.SLURM_CONF}`)) continue;
      if (id === undefined || env.includes(`SLURM_JOB_ID=${id}`)) out.push(Number(e.name));
    } catch { /* gone or not ours to read */ }
  }
  return out;
}

/** Cancel this test's jobs and make sure none of their processes outlive it. */
async function cleanUp(s: Slurm, jobs: string[]): Promise<void> {
  if (jobs.length) await sh("scancel", jobs, s.env);
  const left = await waitFor(() => jobProcesses(s), {
    until: (p) => p.length === 0,
    timeout: 20_000,
    interval: 200,
  }).catch(() => jobProcesses(s));
  for (const pid of left) {
    try {
      Deno.kill(pid, "SIGKILL");
    } catch { /* gone */ }
  }
}

function sbatch(s: Slurm, args: string[]): Promise<string> {
  return sh(
    "sbatch",
    [
      "--parsable",
      "-N1",
      "--ntasks-per-node=4",
      "-o",
      `${s.dir}/job-%j.out`,
      "--chdir",
      s.dir,
      `${HERE}dlg.sbatch`,
      ...args,
    ],
    { ...s.env, DENO: Deno.execPath(), DLG_SLURM: `${HERE}dlg-slurm.sh` },
    s.dir,
  ).then((r) => {
    assert.equal(r.code, 0, r.text);
    return r.text.trim().split(";")[0]!;
  });
}

Deno.test("SLURM: dlg.sbatch runs a cross-node graph, and scancel leaves no dlg process", async () => {
  await ensureSlurm();
  const s = await startSlurm();
  const jobs: string[] = [];
  try {
    const host = (await sh("hostname", ["-s"])).text.trim();
    const base = 21000 + Math.floor(Math.random() * 800) * 50;
    const at = (k: number) => ({
      node: `${host}:${base + 100 + k}`,
      island: `${host}:${base + 10 + (k >> 1)}`,
    });
    // R and its copy on node 0 (island 0), the second copy and F on node 3 (island 1).
    const graph = [
      { oid: "R", categoryType: "Data", dropclass: MEM, pydata: "hi", consumers: ["P"], ...at(0) },
      {
        oid: "P",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.SleepAndCopyApp",
        sleep_time: 1,
        outputs: ["A"],
        ...at(0),
      },
      { oid: "A", categoryType: "Data", dropclass: MEM, consumers: ["C"], ...at(0) },
      {
        oid: "C",
        categoryType: "Application",
        dropclass: "dlg.apps.simple.CopyApp",
        outputs: ["F"],
        ...at(3),
      },
      { oid: "F", categoryType: "Data", dropclass: MEM, ...at(3) },
    ];
    await Deno.writeTextFile(`${s.dir}/graph.json`, JSON.stringify(graph));
    const t0 = performance.now();
    const id = await sbatch(s, [
      "--nodes-per-island",
      "2",
      "--port-base",
      String(base),
      "--graph",
      `${s.dir}/graph.json`,
    ]);
    jobs.push(id);
    const end = await waitFor(() => jobState(s, id), {
      until: (st) => !["PENDING", "CONFIGURING", "RUNNING", "COMPLETING"].includes(st),
      timeout: 120_000,
      interval: 200,
      what: `job ${id} ended`,
    });
    const seconds = (performance.now() - t0) / 1000;
    const out = await Deno.readTextFile(`${s.dir}/job-${id}.out`);
    assert.equal(end, "COMPLETED", out);
    assert.match(out, /FINISHED in [\d.]+s: 5 Drops, 5 done/);
    assert.match(out, /2 islands, 4 node managers/);
    console.log(`sbatch -> graph FINISHED and job COMPLETED: ${seconds.toFixed(1)} s`);
    assert.deepEqual(await jobProcesses(s, id), []);

    // A job serving until cancelled: its URL answers, then scancel stops every process.
    const id2 = await sbatch(s, ["--port-base", String(base + 25)]);
    jobs.push(id2);
    const urlFile = `${s.dir}/dlg-${id2}/master.url`;
    const url = await waitFor(() => Deno.readTextFile(urlFile).catch(() => ""), {
      timeout: 90_000,
      interval: 200,
      what: "the master's URL file",
    }).catch(async (e) => {
      const out = await Deno.readTextFile(`${s.dir}/job-${id2}.out`).catch(() => "(no output)");
      throw new Error(`${e.message}; job ${await jobState(s, id2)}:\n${out.slice(-3000)}`);
    });
    const token = await Deno.readTextFile(`${s.dir}/dlg-${id2}/token`);
    const nodes = await fetch(`${url.trim()}/api/nodes`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(((await nodes.json()) as { nodes: string[] }).nodes.length, 4);
    assert.ok((await jobProcesses(s, id2)).length >= 6, "master, island, 4 nodes running");
    assert.equal((await sh("scancel", [id2], s.env)).code, 0);
    await waitFor(() => jobState(s, id2), {
      until: (st) => !["RUNNING", "COMPLETING"].includes(st),
      timeout: 60_000,
      interval: 200,
      what: `job ${id2} cancelled`,
    });
    const left = await waitFor(() => jobProcesses(s, id2), {
      until: (p) => p.length === 0,
      timeout: 20_000,
      interval: 200,
      what: "no process of the cancelled job left",
    });
    assert.deepEqual(left, []);
  } finally {
    await cleanUp(s, jobs);
    await s.stop();
  }
});
