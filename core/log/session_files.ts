/**
 * `-l DIR`: one log file per session, `DIR/dlg_<host>_<port>_<sid>.log` (as DALiuGE's
 * `dlg_<ip>_<sid>.log`; the port keeps several managers on one host apart), lines `TIME LEVEL text` (ISO time first, so
 * a composite tier merges its children's files by sorting). Written a batch at a time, never
 * held open: nothing to leak, nothing to close.
 */

export type FileLevel = "DEBUG" | "INFO" | "WARNING" | "ERROR";

/** One line of a session log. */
export function logLine(level: FileLevel, text: string, time = Date.now()): string {
  return `${new Date(time).toISOString()} ${level.padEnd(7)} ${text.replaceAll("\n", " | ")}`;
}

export class SessionLogFiles {
  readonly dir: string;
  #tag = "";

  /** Makes `dir` and checks it is writable: a startup mistake is found at startup. */
  constructor(dir: string) {
    this.dir = dir.replace(/\/+$/, "") || "/";
    try {
      Deno.mkdirSync(this.dir, { recursive: true });
      const probe = `${this.dir}/.dlg-write-test`;
      Deno.writeTextFileSync(probe, "");
      Deno.removeSync(probe);
    } catch (e) {
      const why = (e as Error).message.replace(/ \(os error.*$/, "");
      throw new Error(`cannot write session logs to ${dir}: ${why}`);
    }
  }

  /** Name files after where the manager listens (known once it listens). */
  listening(host: string, port: number): void {
    this.#tag = `${host.replace(/[[\]:]/g, "")}_${port}_`;
  }

  path(sessionId: string): string {
    return `${this.dir}/dlg_${this.#tag}${sessionId}.log`;
  }

  append(sessionId: string, lines: string[]): void {
    if (!lines.length) return;
    try {
      Deno.writeTextFileSync(this.path(sessionId), lines.join("\n") + "\n", { append: true });
    } catch {
      // A full or vanished disk must not stop the run; stderr still has the lines.
    }
  }

  /** The session's log so far ("" when nothing was written yet). */
  async read(sessionId: string): Promise<string> {
    try {
      return await Deno.readTextFile(this.path(sessionId));
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) return "";
      throw e;
    }
  }
}
