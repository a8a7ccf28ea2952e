/**
 * The roots of a physical graph: Drops nothing produces or feeds (no producer, no input, and
 * named by no other Drop's `consumers`/`outputs`). What DALiuGE's tooling sends as `completed`.
 */
import { LINK_KEYS, linkOid } from "../wire/mod.ts";

/** UIDs of the roots, in graph order; the trailing metadata element is ignored. */
export function graphRoots(graph: readonly Record<string, unknown>[]): string[] {
  const fed = new Set<string>();
  for (const d of graph) {
    for (const key of ["consumers", "streamingConsumers", "outputs"] as const) {
      const list = d[key];
      if (!Array.isArray(list)) continue;
      for (const x of list) {
        const oid = linkOid(x);
        if (oid) fed.add(oid);
      }
    }
  }
  const upstream = LINK_KEYS.filter((k) => k === "producers" || k.endsWith("nputs"));
  return graph.filter((d) =>
    typeof d.oid === "string" && !fed.has(d.oid) &&
    upstream.every((k) => !Array.isArray(d[k]) || (d[k] as unknown[]).length === 0)
  ).map((d) => String(d.uid ?? d.oid));
}
