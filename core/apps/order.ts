/** Output order as a spec declares it, whatever node each output lives on. */
import type { AppDrop, DataDrop } from "../drops/mod.ts";
import { linkOid } from "../wire/mod.ts";

/**
 * The outputs in the order the spec lists them (`params.outputs`, the raw link list): on a
 * cluster, outputs on other nodes are attached after the local ones.
 */
export function declaredOutputs(app: AppDrop): DataDrop[] {
  const list = app.params.outputs;
  if (!Array.isArray(list)) return app.outputs;
  const pos = new Map<string, number>();
  list.forEach((x, i) => {
    const oid = linkOid(x);
    if (oid && !pos.has(oid)) pos.set(oid, i);
  });
  const at = (d: DataDrop) => pos.get(d.oid) ?? list.length;
  return [...app.outputs].sort((a, b) => at(a) - at(b));
}
