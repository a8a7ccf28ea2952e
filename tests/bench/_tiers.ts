/**
 * Peak RSS of every tier of a cluster (master, each island, each node), read as VmHWM from
 * /proc/<pid>/status of the real processes, for the hierarchy rows.
 */
import type { Cluster } from "../_util/cluster.ts";
import { PEAK_RSS, procMemory } from "./_report.ts";

export interface Tier {
  /** `master`, `island1`, `node1.2` (island 1's second node). */
  name: string;
  pid: number;
}

/** The cluster's processes, master first. */
export function clusterTiers(c: Cluster): Tier[] {
  return [
    { name: "master", pid: c.master.child.pid },
    ...c.islands.map((p, i) => ({ name: `island${i + 1}`, pid: p.child.pid })),
    ...c.nodes.flatMap((list, i) =>
      list.map((p, j) => ({ name: `node${i + 1}.${j + 1}`, pid: p.child.pid }))
    ),
  ];
}

/** Peak and current RSS of each tier, in bytes (0 for a process that is gone). */
export function tierMemory(tiers: Tier[]): Map<string, { rss: number; hwm: number }> {
  return new Map(tiers.map((t) => {
    try {
      return [t.name, procMemory(t.pid)];
    } catch {
      return [t.name, { rss: 0, hwm: 0 }];
    }
  }));
}

/**
 * Tracks the highest VmHWM seen per tier, so a tier that dies mid-run keeps the peak it
 * reached; `sample()` reads /proc again and returns the current RSS per tier.
 */
export class PeakTracker {
  #tiers: Tier[];
  #peak = new Map<string, number>();
  constructor(tiers: Tier[]) {
    this.#tiers = tiers;
  }
  sample(): Map<string, number> {
    const now = new Map<string, number>();
    for (const [name, m] of tierMemory(this.#tiers)) {
      this.#peak.set(name, Math.max(this.#peak.get(name) ?? 0, m.hwm));
      now.set(name, m.rss);
    }
    return now;
  }
  /** One tier's highest VmHWM seen so far, in bytes. */
  peakOf(name: string): number {
    return this.#peak.get(name) ?? 0;
  }
  /** Sum of the tiers' peaks, in bytes. */
  total(): number {
    return [...this.#peak.values()].reduce((a, b) => a + b, 0);
  }
  /** `peakRssMB:<tier>` detail entries. */
  detail(): Record<string, number> {
    return Object.fromEntries(
      [...this.#peak].map(([name, b]) => [`${PEAK_RSS}${name}`, Math.round(b / 1e6)]),
    );
  }
}

/** `master 210, island1 95, ...` (MB), for progress lines. */
export function mbList(m: Map<string, number>): string {
  return [...m].map(([k, v]) => `${k} ${Math.round(v / 1e6)}`).join(", ");
}
