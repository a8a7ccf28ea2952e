/**
 * One event stream per session: every Drop and session state change flows through it, for the
 * live web view (SSE), metrics and remote subscribers. Emitting costs nothing with no listener.
 */

export type SessionEvent =
  | { type: "drop"; oid: string; uid: string; status: number; execStatus?: number }
  | { type: "session"; sessionId: string; status: number };

export type Listener = (e: SessionEvent) => void;

export class SessionEvents {
  #listeners: Listener[] = [];

  get active(): boolean {
    return this.#listeners.length > 0;
  }

  /** Listen; the returned function stops listening. */
  subscribe(fn: Listener): () => void {
    this.#listeners = [...this.#listeners, fn];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== fn);
    };
  }

  emit(e: SessionEvent): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        console.error("session event listener failed:", err);
      }
    }
  }
}
