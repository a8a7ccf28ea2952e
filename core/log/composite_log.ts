/**
 * An island's or master's log of its sessions: once a session is deployed it follows the
 * session's own merged event stream (the one its readers share, pushed by the children: no
 * polling) and logs each state change of the status map, with the error once one fails.
 */
import { getLogger } from "@logtape/logtape";
import type { DropManager, EventStream } from "../manager/mod.ts";
import { stateText } from "./manager_log.ts";
import { logLine, type SessionLogFiles } from "./session_files.ts";

export class CompositeSessionLog {
  readonly #m: DropManager;
  readonly #files: SessionLogFiles | undefined;
  readonly #log;
  readonly #readers = new Map<string, EventStream>();
  #stopped = false;

  constructor(m: DropManager, o: { name: string; files?: SessionLogFiles }) {
    this.#m = m;
    this.#files = o.files;
    this.#log = getLogger(["dlg", o.name]);
  }

  /** Follow `sessionId` (once) until its stream ends. */
  async follow(sessionId: string): Promise<void> {
    if (this.#stopped || this.#readers.has(sessionId)) return;
    let reader: EventStream;
    try {
      reader = await this.#m.watch(sessionId, undefined, { only: "session" });
    } catch {
      return; // deleted meanwhile
    }
    if (this.#stopped) return reader.close();
    this.#readers.set(sessionId, reader);
    let last = "";
    try {
      for await (const e of reader) {
        if (e.event !== "session" && e.event !== "snapshot") continue;
        const data = JSON.parse(e.data) as { status: unknown; error?: string };
        const state = stateText(data.status);
        if (state === last) continue;
        last = state;
        const failed = state.includes("FAILED");
        const why = failed && data.error ? `: ${data.error}` : "";
        const props = { sessionId, state, status: JSON.stringify(data.status) };
        if (failed && data.error) {
          this.#log.warn("session {sessionId} {state}: {error}", { ...props, error: data.error });
        } else if (failed) this.#log.warn("session {sessionId} {state}", props);
        else this.#log.info("session {sessionId} {state}", props);
        this.#files?.append(sessionId, [
          logLine(failed ? "WARNING" : "INFO", `session ${sessionId} ${state}${why}`),
        ]);
      }
    } catch {
      // The stream broke: the session's own state says why; the log just stops following.
    } finally {
      reader.close();
      this.#readers.delete(sessionId);
    }
  }

  stop(): void {
    this.#stopped = true;
    for (const r of this.#readers.values()) r.close();
    this.#readers.clear();
  }
}
