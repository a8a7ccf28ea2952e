/**
 * The web UI in a real headless Chromium against real managers (a master over an island over two
 * nodes): what a person sees on each page. A cross-node run's states change live, the failed
 * Drop's error appears on click, cancel works, 10k Drops paint quickly, groups expand. Each page's
 * screenshot is saved under tests/output/ui/.
 */
import assert from "node:assert/strict";
import type { Page } from "puppeteer-core";
import { NodeManagerClient } from "../core/client/mod.ts";
import { startCluster } from "./_util/cluster.ts";
import { startNode } from "./_util/procs.ts";
import { launch, openPage, screenshot, textWhen } from "./_util/browser.ts";

const mem = (oid: string, node: string, island: string, extra = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.memory.InMemoryDROP",
  node,
  island,
  ...extra,
});
const app = (oid: string, node: string, island: string, extra: Record<string, unknown>) => ({
  oid,
  categoryType: "Application",
  node,
  island,
  ...extra,
});
const sleepCopy = (s: number, outputs: string[]) => ({
  dropclass: "dlg.apps.simple.SleepAndCopyApp",
  sleep_time: s,
  outputs,
});

/** A(n1) -> B(n2) -> C(n2) -> D(n1) -> E(n1), and C -> F(n1, fails) -> G. */
function crossGraph(n1: string, n2: string, island: string) {
  return [
    mem("A", n1, island, { pydata: "hello", consumers: ["B"] }),
    app("B", n2, island, sleepCopy(1.5, ["C"])),
    mem("C", n2, island, { consumers: ["D", "F"] }),
    app("D", n1, island, sleepCopy(0.2, ["E"])),
    mem("E", n1, island),
    app("F", n1, island, {
      dropclass: "dlg.apps.bash_shell_app.BashShellApp",
      command: "echo 'disk on fire' >&2; exit 3",
      outputs: ["G"],
    }),
    mem("G", n1, island),
  ];
}

/** A chain of `n` apps and data, `width` wide: enough Drops to test drawing, never deployed. */
function bigGraph(n: number, width: number) {
  const specs: Record<string, unknown>[] = [];
  for (let i = 0; i < n; i++) {
    const next = i + width < n ? [`d${i + width}`] : [];
    specs.push(
      i % 2 === 0 ? mem(`d${i}`, "", "", { consumers: next }) : app(`d${i}`, "", "", {
        dropclass: "dlg.apps.simple.SleepApp",
        outputs: next,
      }),
    );
  }
  return specs.map(({ node: _n, island: _i, ...s }) => s);
}

/** What the page's test hooks (window.dlgUi) measured. */
interface Metrics {
  firstPaintMs: number;
  layoutMs: number;
  drops: number;
  units: number;
}

async function locate(page: Page, oid: string): Promise<{ x: number; y: number }> {
  return await page.evaluate(`dlgUi.locate(${JSON.stringify(oid)})`) as { x: number; y: number };
}

Deno.test({
  name:
    "web UI in Chromium: sessions, live session graph, Drop details, cancel, 10k, children health",
  // puppeteer keeps its own connection ops; everything started here is stopped in finally.
  sanitizeOps: false,
  sanitizeResources: false,
  async fn(t) {
    const browser = await launch();
    const cluster = await startCluster([2]);
    try {
      const [n1, n2] = cluster.nodes[0]!;
      const island = cluster.islands[0]!;
      const master = new NodeManagerClient(cluster.master.url);

      await t.step(
        "session page follows a cross-node run live; the failure shows on click",
        async () => {
          await master.createSession("run");
          await master.appendGraph("run", crossGraph(n1!.hostPort, n2!.hostPort, island.hostPort));
          const { page, errors } = await openPage(browser);
          await page.goto(`${cluster.master.url}/#/session/run`);
          await page.waitForSelector("#counts [data-state=waiting]");
          assert.match(await textWhen(page, "#counts", (s) => s.includes("total 7")), /waiting 7/);
          await master.deploySession("run", ["A"]);
          // B sleeps 1.5 s: the page shows it running, then the run ending with F's failure.
          await textWhen(page, "#counts [data-state=running]", (s) => s === "running 1");
          await screenshot(page, "session-running");
          await textWhen(page, "#session-state", (s) => s === "FAILED");
          const counts = await textWhen(page, "#counts", (s) => s.includes("error 2"));
          assert.match(counts, /done 5/);
          assert.match(await page.$eval("#session-error", (e) => e.textContent!), /disk on fire/);
          const f = await locate(page, "F");
          await page.mouse.click(f.x, f.y);
          const err = await textWhen(page, "#drop-error", (s) => s.length > 0);
          assert.match(err, /command exited with code 3: disk on fire/);
          assert.match(await page.$eval("#drop-state", (e) => e.textContent!), /ERROR/);
          assert.match(await textWhen(page, "#drop-log", (s) => s.length > 0), /disk on fire/);
          await screenshot(page, "session-failed-drop");
          const e = await locate(page, "E");
          await page.mouse.click(e.x, e.y);
          await textWhen(page, "#drop-size", (s) => s === "5 B"); // "hello", copied twice
          assert.deepEqual(errors, []);
          await page.close();
        },
      );

      await t.step("sessions page at master, island and node", async () => {
        const { page, errors } = await openPage(browser);
        await page.goto(`${cluster.master.url}/`);
        await textWhen(
          page,
          "#sessions tr[data-sid=run]",
          (s) => /FAILED/.test(s) && /7 \/ 7/.test(s),
        );
        await textWhen(page, "#children", (s) => /Islands/.test(s) && /up/.test(s));
        assert.match(await page.$eval("#tier", (e) => e.textContent!), /dlg-master/);
        await screenshot(page, "master-sessions");
        await page.goto(`${island.url}/`);
        const kids = await textWhen(page, "#children", (s) => (s.match(/up/g) ?? []).length === 2);
        assert.ok(kids.includes(n1!.hostPort), kids);
        await textWhen(page, "#sessions tr[data-sid=run]", (s) => /FAILED/.test(s));
        await screenshot(page, "island-sessions");
        await page.goto(`${n2!.url}/`);
        // n2 holds B and C of the run.
        await textWhen(page, "#sessions tr[data-sid=run]", (s) => /FINISHED.*2 \/ 2/.test(s));
        assert.equal(await page.$("#children table"), null);
        await screenshot(page, "node-sessions");
        assert.deepEqual(errors, []);
        await page.close();
      });

      await t.step("cancel stops a running session, delete removes it", async () => {
        const islandClient = new NodeManagerClient(island.url);
        const g = crossGraph(n1!.hostPort, n2!.hostPort, island.hostPort).slice(0, 3);
        g[1] = app("B", n2!.hostPort, island.hostPort, sleepCopy(60, ["C"]));
        g[2] = mem("C", n2!.hostPort, island.hostPort);
        await islandClient.createSession("long");
        // Opened while the session is empty: the page loads the graph again when Drops appear.
        const { page, errors } = await openPage(browser);
        await page.goto(`${island.url}/#/session/long`);
        await textWhen(page, "#counts", (s) => s.includes("total 0"));
        await islandClient.appendGraph("long", g);
        await islandClient.deploySession("long", ["A"]);
        await textWhen(page, "#counts", (s) => s.includes("total 3"));
        await textWhen(page, "#counts [data-state=running]", (s) => s === "running 1");
        await page.click("#cancel");
        await textWhen(page, "#session-state", (s) => s === "CANCELLED");
        await textWhen(page, "#counts", (s) => /done 1/.test(s) && /cancelled 2/.test(s));
        assert.equal(await page.$eval("#cancel", (b) => b.hasAttribute("disabled")), true);
        await screenshot(page, "session-cancelled");
        // Delete goes back to the list, without the session.
        await page.click("#delete");
        await page.waitForFunction(() => location.hash === "#/");
        await textWhen(page, "#sessions", (s) => s.includes("run") && !s.includes("long"));
        assert.deepEqual(errors, []);
        await page.close();
      });

      await t.step("10k Drops paint quickly; grouped by node above the threshold", async () => {
        const node = new NodeManagerClient(n1!.url);
        await node.createSession("big");
        await node.appendGraph("big", bigGraph(10_000, 100));
        const { page, errors } = await openPage(browser);
        await page.goto(`${n1!.url}/#/session/big`);
        await page.waitForFunction("dlgUi.metrics.firstPaintMs > 0", {
          timeout: 30_000,
        });
        const m = await page.evaluate("dlgUi.metrics") as Metrics;
        console.log(
          `10k Drops: first paint ${m.firstPaintMs.toFixed(0)} ms (layout ${
            m.layoutMs.toFixed(0)
          } ms)`,
        );
        assert.equal(m.drops, 10_000);
        assert.equal(m.units, 10_000);
        assert.ok(m.firstPaintMs < 10_000, `first paint took ${m.firstPaintMs} ms`);
        await screenshot(page, "session-10k");
        // Zooming redraws all 10k within a frame or so.
        const draws = await page.evaluate("dlgUi.draws") as number;
        const t0 = performance.now();
        await page.mouse.move(600, 500);
        await page.mouse.wheel({ deltaY: -300 });
        await page.waitForFunction(`dlgUi.draws > ${draws}`);
        assert.ok(performance.now() - t0 < 2000);

        // The cross-node run at the island, grouped: two node boxes; a click expands one.
        await page.goto(`${island.url}/#/session/run?group=3`);
        await page.waitForFunction("dlgUi.metrics.units === 2");
        await page.waitForFunction("dlgUi.draws > 0");
        await new Promise((r) => setTimeout(r, 300));
        await screenshot(page, "session-grouped");
        const b = await locate(page, "B"); // in n2's group (B and C)
        await page.mouse.click(b.x, b.y);
        await page.waitForFunction("dlgUi.metrics.units === 3");
        assert.deepEqual(errors, []);
        await page.close();
      });

      await t.step(
        "a node that stops shows down at its island, with since when and why",
        async () => {
          const { page, errors } = await openPage(browser);
          await n2!.stop();
          await page.goto(`${island.url}/`);
          const row = await textWhen(
            page,
            `#children tr[data-child="${n2!.hostPort}:5555:6666"]`,
            (s) => /down since/.test(s),
          );
          assert.match(row, /run/); // the session it held
          await screenshot(page, "island-node-down");
          assert.deepEqual(errors, []);
          await page.close();
        },
      );
    } finally {
      await browser.close();
      await cluster.stop();
    }
  },
});

Deno.test({
  name: "web UI with a token: asks once, retries a refused one, keeps it for the tab",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "dlg-ui-tok-" });
    const token = `tok-${crypto.randomUUID()}`;
    await Deno.writeTextFile(`${dir}/token`, token);
    const browser = await launch();
    const node = await startNode(["--token-file", `${dir}/token`]);
    try {
      const client = new NodeManagerClient(node.url, { token });
      await client.createSession("secret");
      const { page, errors } = await openPage(browser);
      await page.goto(`${node.url}/`); // the page itself loads without the token
      await page.waitForSelector("#token-dialog[open]");
      await page.type("#token-dialog input", "wrong");
      await page.keyboard.press("Enter");
      await textWhen(page, "#token-dialog .msg", (s) => /refused/.test(s));
      assert.ok(await page.$("#token-dialog[open]"));
      await screenshot(page, "token-asked");
      await page.type("#token-dialog input", token);
      await page.keyboard.press("Enter");
      await textWhen(page, "#sessions tr[data-sid=secret]", (s) => /PRISTINE/.test(s));
      assert.equal(await page.$("#token-dialog[open]"), null);
      // The session page's event stream carries it too; a reload in the tab does not ask again.
      await page.goto(`${node.url}/#/session/secret`);
      await page.reload();
      await textWhen(page, "#session-state", (s) => s === "PRISTINE");
      assert.equal(await page.$("#token-dialog[open]"), null);
      assert.deepEqual(errors, []);
      await page.close();
    } finally {
      await browser.close();
      await node.stop();
      await Deno.remove(dir, { recursive: true });
    }
  },
});
