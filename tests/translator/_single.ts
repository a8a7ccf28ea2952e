/** One in-process node (`createApp(new NodeManager(...))`) for the translator fixtures. */
import assert from "node:assert/strict";
import { SessionStates } from "../../core/drops/states.ts";
import { NodeManager } from "../../core/manager/mod.ts";
import { tierApp } from "../_util/tier_app.ts";
import { assertDropStates, EXPECTED, loadFixture, skippedIn } from "./_fixtures.ts";
import { appCall, type Call, runGraph } from "./_run.ts";

/** PyFuncApp runs in this python, never whatever `python3` is first on PATH. */
export const PYTHON = "/usr/bin/python3";

/** `dlmCheckPeriod` 0 (default here) keeps data for inspection; 1 lets memory Drops expire. */
export async function withNode(
  fn: (call: Call, nm: NodeManager) => Promise<void>,
  opts: { dlmCheckPeriod?: number; python?: string } = {},
) {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-translator-" });
  const nm = new NodeManager({
    workDir,
    dlmCheckPeriod: opts.dlmCheckPeriod ?? 0,
    dlmCleanupPeriod: 1,
    python: { python: opts.python ?? PYTHON, size: 1 },
  });
  try {
    await fn(appCall(tierApp(nm)), nm);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true }).catch(() => {});
  }
}

/**
 * Run `name`.single.json and check the final session and per-Drop states. Memory Drops expire
 * as on a real node (checked every second), so EXPIRED and DELETED count as completed.
 */
export async function runSingle(name: string): Promise<void> {
  const expected = EXPECTED[name]!;
  const graph = await loadFixture(name, "single");
  await withNode(async (call) => {
    const out = await runGraph(call, name, graph, expected.seconds * 1000);
    assert.deepEqual(out.final, [SessionStates.FINISHED]);
    const skipped = expected.skipped(graph);
    assertDropStates(graph, out.graphStatus, skipped);
    assert.deepEqual(skippedIn(out.graphStatus), [...skipped].sort());
  }, { dlmCheckPeriod: 1 });
}
