/**
 * `dlg.apps.simple.SimpleBranch`: DALiuGE's BranchAppDrop with a fixed condition, the `result`
 * parameter (default true). It needs exactly two outputs: true keeps the first output (in link
 * order) and skips the second, false the other way round. Skipping spreads downstream: the
 * skipped output tells its consumers SKIPPED when the branch finishes, and they skip too.
 */
import type { AppImpl } from "../drops/app_drop.ts";

export const SimpleBranch: AppImpl = {
  run(app) {
    if (app.outputs.length !== 2) {
      throw new Error(`a branch needs exactly 2 outputs, ${app.oid} has ${app.outputs.length}`);
    }
    const result = app.params.result !== false;
    const skipped = app.outputs[result ? 1 : 0]!;
    app.log("INFO", `result is ${result}: skipping ${skipped.oid}`);
    skipped.skip();
  },
};
