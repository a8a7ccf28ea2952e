/**
 * A composite tier's cycle check at deploy (DESIGN §5): the links of every batch, kept as
 * `from, to` pairs of OIDs, searched with Kahn's algorithm over integer ids. Nodes check their
 * own Drops at deploy too, but only a tier that saw the whole graph finds a cycle through
 * several nodes, and finding any cycle before a child deploys leaves the session unchanged.
 */

/**
 * Sessions up to this many Drops are checked (a master keeps ~16 B and a string per link for
 * it, and the check takes ~45 ms of a 100k-Drop deploy). Bigger ones, made by tools that do not
 * make cycles, rely on the nodes' checks: a session's first Drops are recorded until it passes
 * this, so a 10M-Drop append pays for these only.
 */
export const CYCLE_CHECK_MAX = 250_000;

/** An OID on a cycle of the graph the pairs draw, if there is one. */
export function findCycle(batches: readonly string[][]): string | undefined {
  const ids = new Map<string, number>();
  const id = (oid: string) => {
    let i = ids.get(oid);
    if (i === undefined) ids.set(oid, i = ids.size);
    return i;
  };
  let n = 0;
  for (const b of batches) n += b.length >> 1;
  const from = new Int32Array(n);
  const to = new Int32Array(n);
  let e = 0;
  for (const b of batches) {
    for (let k = 0; k + 1 < b.length; k += 2, e++) {
      from[e] = id(b[k]!);
      to[e] = id(b[k + 1]!);
    }
  }
  // Edges by their source (compressed rows), and each vertex's in-degree.
  const v = ids.size;
  const start = new Int32Array(v + 1);
  const inDegree = new Int32Array(v);
  for (let k = 0; k < n; k++) {
    start[from[k]! + 1]!++;
    inDegree[to[k]!]!++;
  }
  for (let i = 0; i < v; i++) start[i + 1]! += start[i]!;
  const next = start.slice(0, v);
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[next[from[k]!]!++] = to[k]!;
  const ready: number[] = [];
  for (let i = 0; i < v; i++) if (inDegree[i] === 0) ready.push(i);
  let seen = 0;
  while (ready.length) {
    const i = ready.pop()!;
    seen++;
    for (let k = start[i]!; k < start[i + 1]!; k++) {
      if (--inDegree[out[k]!]! === 0) ready.push(out[k]!);
    }
  }
  if (seen === v) return undefined;
  for (const [oid, i] of ids) if (inDegree[i]! > 0) return oid;
  return undefined;
}
