/** A one-line text progress bar of a session's Drops by state. */
import type { DropCounts } from "./status.ts";

export interface ProgressLine {
  counts?: DropCounts;
  /** Session state name. */
  state: string;
  elapsedMs: number;
  /** Bar width in characters (default 30). */
  width?: number;
}

/**
 * `[#########>>.....] 12/15 done | 1 running | 2 waiting | RUNNING 3.2s`; `#` done, `>` running,
 * `!` error, `-` skipped or cancelled, `.` waiting. Zero counts of error/skip/cancel are omitted.
 */
export function formatProgress(p: ProgressLine): string {
  const secs = `${(p.elapsedMs / 1000).toFixed(1)}s`;
  const c = p.counts;
  if (!c) return `${p.state} ${secs}`;
  const width = p.width ?? 30;
  const cells = (n: number) => c.total ? Math.round((n / c.total) * width) : 0;
  const seg = [
    ["#", cells(c.done)],
    ["!", cells(c.error)],
    ["-", cells(c.skipped + c.cancelled)],
    [">", cells(c.running)],
  ] as const;
  let bar = seg.map(([ch, n]) => ch.repeat(n)).join("").slice(0, width);
  bar += ".".repeat(width - bar.length);
  const parts = [`${c.done}/${c.total} done`, `${c.running} running`, `${c.waiting} waiting`];
  if (c.error) parts.push(`${c.error} error`);
  if (c.skipped) parts.push(`${c.skipped} skipped`);
  if (c.cancelled) parts.push(`${c.cancelled} cancelled`);
  return `[${bar}] ${parts.join(" | ")} | ${p.state} ${secs}`;
}
