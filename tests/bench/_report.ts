/** Benchmark rows: one per scenario, printed as a table and written as JSON. */

export interface Row {
  scenario: string;
  figure: number;
  unit: string;
  /** Human-readable target, e.g. ">= 100000". */
  target: string;
  pass: boolean;
  /** What measured the figure (default: the scenario's own clock in Deno). */
  tool?: string;
  /** Anything else worth keeping (timings, sizes; peak RSS per tier under `PEAK_RSS` keys). */
  detail?: Record<string, number | string>;
  /** Where the target comes from when it is not a row of DESIGN §4's table. */
  from?: string;
}

/** The source of a row's target unless the row says otherwise. */
export const DESIGN_TABLE = "DESIGN §4";

/** Detail keys `peakRssMB:<tier>` hold a tier's peak RSS (VmHWM) in MB. */
export const PEAK_RSS = "peakRssMB:";

export function atLeast(scenario: string, figure: number, unit: string, min: number): Row {
  return { scenario, figure: round(figure), unit, target: `>= ${min}`, pass: figure >= min };
}

export function atMost(scenario: string, figure: number, unit: string, max: number): Row {
  return { scenario, figure: round(figure), unit, target: `<= ${max}`, pass: figure <= max };
}

function round(x: number): number {
  return x >= 100 ? Math.round(x) : Math.round(x * 100) / 100;
}

/** Rows without a `tool` are timed by the scenario itself. */
export const DEFAULT_TOOL = "Deno clock (performance.now)";

export function printTable(rows: Row[]): void {
  const cells = rows.map((r) => [
    r.scenario,
    `${r.figure} ${r.unit}`,
    `${r.target} ${r.unit}`,
    r.pass ? "pass" : "FAIL",
    r.tool ?? DEFAULT_TOOL,
  ]);
  const head = ["scenario", "figure", "target", "result", "measured by"];
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => c.map((x, i) => x.padEnd(widths[i]!)).join(" | ");
  console.log(line(head));
  console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
  for (const c of cells) console.log(line(c));
  for (const r of rows) {
    const tiers = Object.entries(r.detail ?? {}).filter(([k]) => k.startsWith(PEAK_RSS));
    if (!tiers.length) continue;
    const list = tiers.map(([k, v]) => `${k.slice(PEAK_RSS.length)} ${v} MB`).join(", ");
    console.log(`peak RSS per tier, ${r.scenario}: ${list}`);
  }
  for (const r of rows) if (r.from) console.log(`target of "${r.scenario}": ${r.from}`);
}

/** RSS figures of a process, in bytes, from /proc (Linux). */
export function procMemory(pid: number): { rss: number; hwm: number } {
  const text = Deno.readTextFileSync(`/proc/${pid}/status`);
  const kb = (key: string) =>
    Number(text.match(new RegExp(`${key}:\\s+(\\d+) kB`))?.[1] ?? 0) * 1024;
  return { rss: kb("VmRSS"), hwm: kb("VmHWM") };
}

/**
 * The cluster token when the bench runs with `--token` (managers started by a scenario inherit
 * it as DLG_TOKEN and require it; clients send it).
 */
export function benchToken(): string | undefined {
  return Deno.env.get("DLG_TOKEN") || undefined;
}

/** `Authorization` header for raw requests when the bench runs with a token. */
export function authHeaders(): Record<string, string> {
  const t = benchToken();
  return t ? { authorization: `Bearer ${t}` } : {};
}
