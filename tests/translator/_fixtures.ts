/**
 * The physical graphs DALiuGE's translator wrote (tests/fixtures/translator, copied unedited
 * from shared/graphs/translator; the large ones gzipped): loading, roots as DALiuGE's
 * `get_roots` finds them, the cluster rewrite of `i1, i2, n1..n4`, and per-Drop expectations.
 */
import assert from "node:assert/strict";
import { AppStates, DropStates } from "../../core/drops/states.ts";
import { graphRoots } from "../../core/graph/mod.ts";

export type Spec = Record<string, unknown> & { oid: string };

const DIR = new URL("../fixtures/translator/", import.meta.url);

/** The raw bytes of `NAME.KIND.json` (inflated when stored gzipped). */
export async function fixtureText(name: string, kind: "single" | "cluster"): Promise<string> {
  const base = `${name}.${kind}.json`;
  try {
    return await Deno.readTextFile(new URL(base, DIR));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  const gz = await Deno.readFile(new URL(`${base}.gz`, DIR));
  const stream = new Blob([gz]).stream().pipeThrough(new DecompressionStream("gzip"));
  return await new Response(stream).text();
}

/** The whole JSON list, trailing `{}` included, as users POST it. */
export async function loadFixture(name: string, kind: "single" | "cluster"): Promise<Spec[]> {
  return JSON.parse(await fixtureText(name, kind));
}

/** The Drop specs only (the trailing graph-metadata element removed). */
export function dropsOf(graph: Spec[]): Spec[] {
  return graph.filter((d) => typeof d.oid === "string");
}

/** DALiuGE's `get_roots`: Drops nobody produces or feeds, as its deploy tooling sends them. */
export function roots(graph: Spec[]): string[] {
  return graphRoots(graph);
}

/**
 * Rewrite a cluster fixture's symbolic hosts: its islands (`i1`, `i2`) go to `islands` in that
 * order, and the nodes each island holds (sorted) to that island's real nodes. Fixtures place
 * the same node names under different islands, so the mapping is made per graph.
 */
export function rewriteCluster(
  graph: Spec[],
  islands: { island: string; nodes: string[] }[],
): Spec[] {
  const byIsland = new Map<string, Set<string>>();
  for (const d of dropsOf(graph)) {
    const set = byIsland.get(String(d.island)) ?? new Set<string>();
    set.add(String(d.node));
    byIsland.set(String(d.island), set);
  }
  const names = [...byIsland.keys()].sort();
  assert.ok(names.length <= islands.length, `graph needs ${names.length} islands`);
  const island = new Map<string, string>();
  const node = new Map<string, string>();
  names.forEach((name, i) => {
    const real = islands[i]!;
    island.set(name, real.island);
    const nodes = [...byIsland.get(name)!].sort();
    assert.ok(nodes.length <= real.nodes.length, `island ${name} needs ${nodes.length} nodes`);
    nodes.forEach((n, j) => node.set(n, real.nodes[j]!));
  });
  return graph.map((d) =>
    typeof d.oid === "string"
      ? { ...d, island: island.get(String(d.island))!, node: node.get(String(d.node))! }
      : d
  );
}

export type GraphStatus = Record<string, { status: number; execStatus?: number }>;

const COMPLETED_STATES: number[] = [DropStates.COMPLETED, DropStates.EXPIRED, DropStates.DELETED];

/**
 * Every Drop finished as DALiuGE reports: SKIPPED (apps with execStatus SKIPPED) exactly for
 * `skipped`, completed (COMPLETED, EXPIRED or DELETED; apps FINISHED) for all others.
 */
export function assertDropStates(graph: Spec[], status: GraphStatus, skipped: Set<string>): void {
  const drops = dropsOf(graph);
  assert.equal(Object.keys(status).length, drops.length, "graph/status has every Drop");
  const wrong: string[] = [];
  for (const d of drops) {
    const s = status[d.oid];
    const isApp = String(d.categoryType).toLowerCase().startsWith("app");
    const ok = !s
      ? false
      : skipped.has(d.oid)
      ? s.status === DropStates.SKIPPED && (!isApp || s.execStatus === AppStates.SKIPPED)
      : COMPLETED_STATES.includes(s.status) && (!isApp || s.execStatus === AppStates.FINISHED);
    if (!ok) {
      wrong.push(
        `${d.oid} (${d.name}): ${JSON.stringify(s)}, want ${
          skipped.has(d.oid) ? "SKIPPED" : "done"
        }`,
      );
    }
  }
  assert.deepEqual(wrong, [], `Drops in the wrong final state:\n${wrong.join("\n")}`);
}

/** The OIDs whose status is SKIPPED. */
export function skippedIn(status: GraphStatus): string[] {
  return Object.entries(status).filter(([, s]) => s.status === DropStates.SKIPPED).map(([o]) => o)
    .sort();
}

const BR = "1_"; // every translator OID starts with the partition prefix
const LOOP_NOT_SKIPPED = [
  "1_c50f8602-e8c7-4f07-93e2-95a22b28ff9f_0", // With something (root)
  "1_22919445-0582-4d71-b3cc-75ba7503c093_0-0", // Do something, iteration 0
  "1_5c9bc8f5-3c83-4910-890d-9a851932daea_0-0", // Intermediate Result 0
  "1_bb326f29-0705-433b-99a6-42f34d017713_0-0", // Break (branch) 0: result unset = true
  "1_8ba58052-baa1-4b38-8fd0-9401a4c88133_0-0", // Break output 0 ("true", kept)
];

/**
 * What DALiuGE 6.7 did with each runnable fixture (fixtures README): the session FINISHED and
 * exactly these Drops were SKIPPED; `seconds` is a generous bound on the run.
 */
export const EXPECTED: Record<
  string,
  { skipped: (graph: Spec[]) => Set<string>; seconds: number }
> = {
  // result true keeps the first output (No) and skips the other branch: Yes and YesApp.
  branch: {
    skipped: () =>
      new Set([
        `${BR}8e760789-02a8-45a9-a2a8-eac998430d74_0`, // Yes
        `${BR}6cdc1ea0-4490-4546-b915-8e082e43591c_0`, // YesApp
      ]),
    seconds: 60,
  },
  // The first Break keeps its "true" output and skips "Keep going": 23 of 28 Drops SKIPPED.
  loop_with_exit: {
    skipped: (g) =>
      new Set(dropsOf(g).map((d) => d.oid).filter((o) => !LOOP_NOT_SKIPPED.includes(o))),
    seconds: 60,
  },
  parallel_loop: { skipped: () => new Set(), seconds: 60 },
  parallel_random_sleep: { skipped: () => new Set(), seconds: 240 },
  array_loop: { skipped: () => new Set(), seconds: 60 },
  grpby_gather: { skipped: () => new Set(), seconds: 90 },
  hello_universe: { skipped: () => new Set(), seconds: 60 },
  hello_universe_large: { skipped: () => new Set(), seconds: 240 },
};

/** What hello_universe's one FileDROP holds at the end (DALiuGE 6.7's output). */
export const HELLO_UNIVERSE =
  "Hello, ICRAR\nHello, Perth\nHello, World\nHello, Solar System\nHello, Galaxy\nHello, Universe\n";

/**
 * Split a graph into JSON parts of at most `maxBytes` each (DALiuGE's request limit), in order.
 * Each part is a JSON array of whole Drop specs; the trailing metadata element is left out.
 */
export function splitParts(graph: Spec[], maxBytes: number): { text: string; oids: string[] }[] {
  const parts: { text: string; oids: string[] }[] = [];
  let texts: string[] = [];
  let oids: string[] = [];
  let size = 2;
  const flush = () => {
    if (texts.length) parts.push({ text: `[${texts.join(",")}]`, oids });
    texts = [];
    oids = [];
    size = 2;
  };
  for (const d of dropsOf(graph)) {
    const t = JSON.stringify(d);
    if (size + t.length + 1 > maxBytes) flush();
    texts.push(t);
    oids.push(d.oid);
    size += t.length + 1;
  }
  flush();
  return parts;
}
