/**
 * `dlg.apps.simple.SimpleBranch`: DALiuGE's BranchAppDrop with a fixed condition, the `result`
 * parameter (default true). It needs exactly two outputs: true keeps the first output (in the
 * order of the spec's `outputs` list, else link order) and skips the second, false the other
 * way round. Skipping spreads downstream: the skipped output hears SKIPPED from the branch and
 * tells its consumers, on this node or another, and they skip too.
 */
import type { AppImpl } from "../drops/mod.ts";
import { declaredOutputs } from "./order.ts";

export const SimpleBranch: AppImpl = {
  run(app) {
    if (app.outputs.length !== 2) {
      throw new Error(`a branch needs exactly 2 outputs, ${app.oid} has ${app.outputs.length}`);
    }
    const result = app.params.result !== false;
    const skipped = declaredOutputs(app)[result ? 1 : 0]!;
    app.log("INFO", `result is ${result}: skipping ${skipped.oid}`);
    skipped.skip();
  },
};
