/**
 * The web UI at scale (issue 17) in headless Chromium: a 150k-Drop session on a dlg-node opens
 * grouped (a few boxes, not 150k), a group too big to draw opens into bounded parts, and the
 * page follows the run live to FINISHED with every Drop counted done. `tests/bench/ui.ts` does
 * the same at 1M.
 */
import assert from "node:assert/strict";
import { NodeManagerClient } from "../core/client/mod.ts";
import { startNode } from "./_util/procs.ts";
import { launch, openPage, screenshot, textWhen } from "./_util/browser.ts";
import { chainGraph, toParts } from "./bench/one_node.ts";

const DROPS = 150_000;

Deno.test({
  name: "web UI with 150k Drops: grouped, big groups open in parts, live to FINISHED",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t0 = performance.now();
    const browser = await launch();
    const node = await startNode(["--dlm-check-period", "0", "-m", "10"]);
    try {
      const client = new NodeManagerClient(node.url, { timeoutMs: 60_000 });
      const { specs, roots } = chainGraph(DROPS / 100, 100);
      await client.createSession("big");
      for (const body of toParts(specs, 9_000_000)) {
        await client.request("POST", "/api/sessions/big/graph/append", {
          body,
          headers: { "content-type": "application/json" },
        });
      }
      const { page, errors } = await openPage(browser);
      await page.goto(`${node.url}/#/session/big`);
      await page.waitForFunction("dlgUi.metrics.firstPaintMs > 0", { timeout: 30_000 });
      const m = await page.evaluate("dlgUi.metrics") as Record<string, number>;
      console.log(`150k Drops: first paint ${Math.round(m.firstPaintMs!)} ms`, JSON.stringify(m));
      assert.equal(m.drops, DROPS);
      // One node: grouped by construct (the data and the app class), two boxes.
      assert.equal(m.units, 2);
      await textWhen(page, "#counts", (s) => s.includes(`waiting ${DROPS}`));
      assert.match(
        await page.$eval("#counts", (e) => e.textContent!),
        new RegExp(`total ${DROPS}`),
      );
      await page.waitForFunction("dlgUi.draws > 0");
      await screenshot(page, "session-150k-grouped");

      // The data group (75k, over the 20k a page draws) opens into 4 parts of <= 20k.
      const at = await page.evaluate(`dlgUi.locate("0_0")`) as { x: number; y: number };
      await page.mouse.click(at.x, at.y);
      await page.waitForFunction("dlgUi.metrics.units === 5", { timeout: 10_000 });

      // Run it: the page keeps up and ends with every Drop done.
      await client.deploySession("big", roots);
      await textWhen(page, "#session-state", (s) => s === "FINISHED", 60_000);
      const counts = await textWhen(page, "#counts", (s) => s.includes(`done ${DROPS}`), 20_000);
      assert.match(counts, /waiting 0/);
      await screenshot(page, "session-150k-finished");
      assert.deepEqual(errors, []);
      await page.close();
      const s = (performance.now() - t0) / 1000;
      console.log(`150k Drops: whole test ${s.toFixed(1)} s`);
    } finally {
      await browser.close();
      await node.stop();
    }
  },
});
