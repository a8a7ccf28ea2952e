/**
 * The web UI at 1M Drops (issue 17): one dlg-node holds a 1M-Drop chain graph; headless Chromium
 * opens its session page. Rows: time to the page's first paint, the node's `GET .../status` p99
 * meanwhile (DESIGN §8: no request holds the event loop for more than 200 ms), and the time from
 * deploy until the page shows every Drop done. `deno run -A tests/bench/ui.ts [N]` prints details.
 */
import { NodeManagerClient } from "../../core/client/mod.ts";
import { startNode } from "../_util/procs.ts";
import { launch, openPage } from "../_util/browser.ts";
import { atMost, authHeaders, benchToken, type Row } from "./_report.ts";
import { chainGraph, toParts } from "./one_node.ts";

/** Sequential `GET url()` every `gapMs` until stopped; latencies in ms, in order. */
export function probe(url: () => string, gapMs = 10) {
  const lat: number[] = [];
  let on = true;
  const done = (async () => {
    while (on) {
      const t = performance.now();
      const r = await fetch(url(), { headers: authHeaders() });
      await r.arrayBuffer();
      lat.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, gapMs));
    }
  })();
  const stats = (from = 0) => {
    const s = lat.slice(from).sort((a, b) => a - b);
    return {
      n: s.length,
      p99: s[Math.floor(s.length * 0.99)] ?? NaN,
      max: s.at(-1) ?? NaN,
    };
  };
  return {
    mark: () => lat.length,
    stats,
    stop: async () => {
      on = false;
      await done;
    },
  };
}

const round = (x: number) => Math.round(x);

export async function uiScale(drops = 1_000_000, label = "1M"): Promise<Row[]> {
  const { specs, roots } = chainGraph(Math.ceil(drops / 100), 100);
  const parts = toParts(specs, 10 * 1000 * 1000 - 1024);
  const n = specs.length;
  specs.length = 0;
  const node = await startNode(["--dlm-check-period", "0", "-m", "10"]);
  const browser = await launch();
  const client = new NodeManagerClient(node.url, { timeoutMs: 300_000, token: benchToken() });
  let sid = "control";
  const p = probe(() => `${node.url}/api/sessions/${sid}/status`);
  const append = async () => {
    await client.createSession(sid);
    for (const body of parts) {
      await client.request("POST", `/api/sessions/${sid}/graph/append`, {
        body,
        headers: { "content-type": "application/json" },
      });
    }
  };
  try {
    // Control: the same run with no page open, for what the run alone costs status.
    await append();
    const c0 = p.mark();
    const tc = performance.now();
    await client.deploySession(sid, roots);
    while (await client.sessionStatus(sid) !== 4) await new Promise((r) => setTimeout(r, 20));
    const control = { ...p.stats(c0), ms: performance.now() - tc };
    await client.destroySession(sid);
    sid = "ui";
    await append();
    parts.length = 0;
    // The node alone first: each graph form's time and size, and status meanwhile.
    const routes: Record<string, number> = {};
    for (const [name, q] of [["graph", ""], ["graphUi", "?view=ui"]] as const) {
      const m = p.mark();
      const t = performance.now();
      const r = await fetch(`${node.url}/api/sessions/${sid}/graph${q}`, {
        headers: authHeaders(),
      });
      const bytes = (await r.arrayBuffer()).byteLength;
      routes[`${name}Ms`] = round(performance.now() - t);
      routes[`${name}MB`] = Math.round(bytes / 1e5) / 10;
      routes[`${name}StatusMaxMs`] = round(p.stats(m).max);
    }
    const { page, errors } = await openPage(browser);
    const token = benchToken();
    if (token) {
      await page.evaluateOnNewDocument(
        `sessionStorage.setItem("dlg-token", ${JSON.stringify(token)})`,
      );
    }
    // Opened while the session is not deployed yet (all waiting), then run to the end.
    const m0 = p.mark();
    const t0 = performance.now();
    await page.goto(`${node.url}/#/session/${sid}`);
    await page.waitForFunction("dlgUi.metrics.firstPaintMs > 0", {
      timeout: 300_000,
      polling: 200,
    });
    const paint = performance.now() - t0;
    const open = p.stats(m0);
    const metrics = await page.evaluate("dlgUi.metrics") as Record<string, number>;
    const m1 = p.mark();
    const t1 = performance.now();
    await client.deploySession(sid, roots);
    await page.waitForFunction(
      `document.getElementById("counts")?.textContent.includes("done ${n}")`,
      { timeout: 300_000, polling: 250 },
    );
    const run = performance.now() - t1;
    const running = p.stats(m1);
    const heap = await page.evaluate("performance.memory?.usedJSHeapSize ?? 0") as number;
    if (errors.length) throw new Error(`page errors: ${errors.join("; ")}`);
    const rows = [
      atMost(`web UI, ${label} Drops: session page first paint`, paint / 1000, "s", 10),
      atMost(`web UI, ${label} Drops: node status p99 while the page opens`, open.p99, "ms", 200),
      atMost(`web UI, ${label} Drops: deploy -> page shows all done`, run / 1000, "s", 30),
      atMost(
        `web UI, ${label} Drops: node status p99 while the page follows`,
        running.p99,
        "ms",
        200,
      ),
    ];
    const from = "issue 17 (DESIGN §4 has no UI row): paint within 10 s, status within §8's 200 ms";
    for (const r of rows) r.from = from;
    rows[0]!.tool = "Deno clock around headless Chromium (puppeteer-core)";
    rows[0]!.detail = {
      drops: n,
      ...Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, round(v)])),
      pageHeapMB: round(heap / 1e6),
    };
    rows[1]!.detail = { probes: open.n, maxMs: round(open.max), ...routes };
    rows[3]!.detail = {
      probes: running.n,
      maxMs: round(running.max),
      noPageRunMs: round(control.ms),
      noPageP99Ms: round(control.p99),
      noPageMaxMs: round(control.max),
    };
    await page.close();
    return rows;
  } finally {
    await p.stop();
    await browser.close();
    await node.stop();
  }
}

/** `deno run -A tests/bench/ui.ts [N]`: the rows for N Drops (default 1M), with details. */
if (import.meta.main) {
  const n = Number(Deno.args[0] ?? 1_000_000);
  const { printTable } = await import("./_report.ts");
  const rows = await uiScale(n, String(n));
  printTable(rows);
  for (const r of rows) if (r.detail) console.log(r.scenario, JSON.stringify(r.detail));
}
