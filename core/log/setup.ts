/**
 * A tier's logging: stderr, readable text or JSON lines, at a level from DALiuGE's `-v`/`-q`
 * counts. Built on LogTape (npm `@logtape/logtape`); the entry configures it once, core code asks
 * `getLogger(["dlg", ...])` and logs nothing until then (in-process tests stay quiet).
 */
import {
  configureSync,
  getTextFormatter,
  type LogLevel,
  type LogRecord,
  resetSync,
} from "@logtape/logtape";

export type LogFormat = "text" | "json";

export interface LogSetup {
  /** `-v` count minus `-q` count: 0 info, 1 debug, 2+ trace, -1 warning, -2- error. */
  verbosity: number;
  format: LogFormat;
  /** Where lines go (default: stderr). */
  write?: (line: string) => void;
}

export function levelOf(verbosity: number): LogLevel {
  if (verbosity >= 2) return "trace";
  if (verbosity === 1) return "debug";
  if (verbosity === 0) return "info";
  return verbosity === -1 ? "warning" : "error";
}

/** A message's parts with its values as they are (strings unquoted, unlike LogTape's own). */
function bare(parts: readonly unknown[]): string {
  return parts.map((p, i) => i % 2 === 0 || typeof p === "string" ? p : JSON.stringify(p))
    .join("");
}

/** One JSON line: time, level, logger, message, then the record's properties. */
export function jsonLine(r: LogRecord): string {
  const line: Record<string, unknown> = {
    time: new Date(r.timestamp).toISOString(),
    level: r.level.toUpperCase(),
    logger: r.category.join("."),
    message: bare(r.message),
  };
  for (const [k, v] of Object.entries(r.properties)) if (!(k in line)) line[k] = v;
  return JSON.stringify(line) + "\n";
}

/** Configure logging for this process; the returned function undoes it. */
export function setupLogging(o: LogSetup): () => void {
  const enc = new TextEncoder();
  const write = o.write ?? ((line: string) => void Deno.stderr.writeSync(enc.encode(line)));
  const format = o.format === "json"
    ? jsonLine
    : getTextFormatter({ timestamp: "date-time-tz", level: "FULL", value: "bare" });
  const sink = (r: LogRecord) => write(format(r));
  configureSync({
    reset: true,
    sinks: { stderr: sink },
    loggers: [
      { category: ["dlg"], lowestLevel: levelOf(o.verbosity), sinks: ["stderr"] },
      { category: ["logtape", "meta"], lowestLevel: "warning", sinks: ["stderr"] },
    ],
  });
  return () => resetSync();
}
