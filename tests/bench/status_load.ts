/**
 * DESIGN §4: `GET .../status` under load while a 100k-Drop session runs: requests/s and p99
 * latency from concurrent keep-alive clients in this process.
 */
import { NodeManagerClient } from "../../core/client/mod.ts";
import { startNode } from "../_util/procs.ts";
import { atLeast, atMost, authHeaders, benchToken, type Row } from "./_report.ts";
import { chainGraph, toParts } from "./one_node.ts";

/** Hammer `url` with `conns` concurrent loops for `ms`; latencies in ms. */
export async function hammer(url: string, conns: number, ms: number) {
  const lat: number[] = [];
  const end = performance.now() + ms;
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: conns });
  const loop = async () => {
    while (performance.now() < end) {
      const t = performance.now();
      const r = await fetch(url, { client, headers: authHeaders() });
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`HTTP ${r.status}`);
      lat.push(performance.now() - t);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: conns }, loop));
  const elapsed = performance.now() - t0;
  client.close();
  lat.sort((a, b) => a - b);
  return {
    rps: lat.length / (elapsed / 1000),
    p50: lat[Math.floor(lat.length * 0.5)] ?? NaN,
    p99: lat[Math.floor(lat.length * 0.99)] ?? NaN,
    n: lat.length,
  };
}

/** The same with wrk (a C load generator, when installed): it leaves the server the CPU. */
export async function wrk(url: string, conns: number, seconds: number) {
  const out = await new Deno.Command("wrk", {
    args: [
      "-t1",
      `-c${conns}`,
      `-d${seconds}s`,
      "--latency",
      ...Object.entries(authHeaders()).flatMap(([k, v]) => ["-H", `${k}: ${v}`]),
      url,
    ],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const ms = (label: string) => {
    const m = text.match(new RegExp(`${label}\\s+([\\d.]+)(us|ms|s)`));
    if (!m) return NaN;
    return Number(m[1]) * ({ us: 0.001, ms: 1, s: 1000 }[m[2] as "us" | "ms" | "s"]);
  };
  const rps = Number(text.match(/Requests\/sec:\s+([\d.]+)/)?.[1]);
  if (!out.success || !Number.isFinite(rps)) throw new Error(`wrk failed: ${text}`);
  return { rps, p50: ms("50%"), p99: ms("99%"), n: Number(text.match(/(\d+) requests in/)?.[1]) };
}

export function hasWrk(): boolean {
  try {
    return new Deno.Command("wrk", { args: ["-v"], stdout: "null", stderr: "null" }).outputSync()
      .code !== 127;
  } catch {
    return false;
  }
}

/**
 * `deno task bench` installs wrk from Debian when it is missing (as root, with apt-get): Deno's
 * own fetch measures the client as much as the server. Says what it did; false when it could not.
 */
export async function ensureWrk(log: (line: string) => void): Promise<boolean> {
  if (hasWrk()) return true;
  const apt = async (...args: string[]) => {
    try {
      const r = await new Deno.Command("apt-get", {
        args,
        stdout: "null",
        stderr: "piped",
        env: { DEBIAN_FRONTEND: "noninteractive" },
      }).output();
      return r.success;
    } catch {
      return false;
    }
  };
  if (Deno.uid() !== 0) {
    log("wrk not installed and not root: status-load is measured with Deno's fetch");
    return false;
  }
  log("wrk not installed: installing it with apt-get (Debian's wrk package) ...");
  const ok = await apt("install", "-y", "-q", "wrk") ||
    (await apt("update", "-q") && await apt("install", "-y", "-q", "wrk"));
  log(ok && hasWrk() ? "wrk installed" : "could not install wrk: measuring with Deno's fetch");
  return ok && hasWrk();
}

export async function statusUnderLoad(): Promise<Row[]> {
  const node = await startNode(["--dlm-check-period", "0"]);
  try {
    const c = new NodeManagerClient(node.url, { timeoutMs: 120_000, token: benchToken() });
    // 100k Drops kept RUNNING: every chain starts behind one SleepApp root.
    const { specs } = chainGraph(1000, 100);
    specs.push({
      oid: "gate",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: 60,
      outputs: specs.filter((s) => String(s.oid).endsWith("_0")).map((s) => s.oid),
    });
    await c.createSession("load");
    for (const p of toParts(specs, 1e7)) {
      await c.request("POST", "/api/sessions/load/graph/append", {
        body: p,
        headers: { "content-type": "application/json" },
      });
    }
    await c.deploySession("load", ["gate"]);
    const url = `${node.url}/api/sessions/load/status`;
    const tool = hasWrk() ? "wrk" : "deno fetch";
    if (tool !== "wrk") console.error("wrk not installed: measuring with Deno's fetch client");
    const load = tool === "wrk" ? () => wrk(url, 32, 3) : () => hammer(url, 32, 3000);
    await (tool === "wrk" ? wrk(url, 16, 1) : hammer(url, 16, 500)); // warm up
    const r = await load();
    if ((await c.sessionStatus("load")) !== 3) throw new Error("session not RUNNING under load");
    const rows = [
      atLeast("GET status under load (100k-Drop session running)", r.rps, "req/s", 50_000),
      atMost("GET status under load: p99 latency", r.p99, "ms", 5),
    ];
    rows[0]!.detail = {
      requests: r.n,
      p50ms: Math.round(r.p50 * 1000) / 1000,
      connections: 32,
      client: tool,
    };
    for (const row of rows) row.tool = tool === "wrk" ? "wrk (32 conns)" : "Deno fetch (32 loops)";
    await c.cancelSession("load");
    return rows;
  } finally {
    await node.stop();
  }
}
