/**
 * `dlg.apps.simple.SimpleBranch`: DALiuGE's BranchAppDrop with a fixed condition, the `result`
 * parameter (default true). It needs exactly two outputs: true keeps the first output (in the
 * order of the spec's `outputs` list, else link order) and skips the second, false the other
 * way round. Skipping spreads downstream: the skipped output hears SKIPPED from the branch and
 * tells its consumers, on this node or another, and they skip too.
 */
import type { AppDrop, AppImpl } from "../drops/app_drop.ts";
import type { DataDrop } from "../drops/data_drop.ts";

/**
 * The outputs in the order the spec lists them (`params.outputs`, the raw link list): on a
 * cluster, outputs on other nodes are attached after the local ones.
 */
export function declaredOutputs(app: AppDrop): DataDrop[] {
  const list = app.params.outputs;
  if (!Array.isArray(list)) return app.outputs;
  const pos = new Map<string, number>();
  list.forEach((x, i) => {
    const oid = typeof x === "string" ? x : x && typeof x === "object" ? Object.keys(x)[0] : "";
    if (oid && !pos.has(oid)) pos.set(oid, i);
  });
  const at = (d: DataDrop) => pos.get(d.oid) ?? list.length;
  return [...app.outputs].sort((a, b) => at(a) - at(b));
}

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
