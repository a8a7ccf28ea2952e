/** Input and output order as a spec declares it, whatever node each link lives on. */
import type { AppDrop, DataDrop } from "../drops/mod.ts";
import { linkOid } from "../wire/mod.ts";

/**
 * The outputs in the order the spec lists them (`params.outputs`, the raw link list): on a
 * cluster, outputs on other nodes are attached after the local ones.
 */
export function declaredOutputs(app: AppDrop): readonly DataDrop[] {
  return declared(app.outputs, app.params.outputs);
}

/** The inputs in the order the spec lists them (`params.inputs`), as `declaredOutputs`. */
export function declaredInputs(app: AppDrop): readonly DataDrop[] {
  return declared(app.inputs, app.params.inputs);
}

function declared(drops: readonly DataDrop[], list: unknown): readonly DataDrop[] {
  if (!Array.isArray(list)) return drops;
  const pos = new Map<string, number>();
  list.forEach((x, i) => {
    const oid = linkOid(x);
    if (oid && !pos.has(oid)) pos.set(oid, i);
  });
  const at = (d: DataDrop) => pos.get(d.oid) ?? list.length;
  return [...drops].sort((a, b) => at(a) - at(b));
}
