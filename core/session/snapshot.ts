/**
 * A big session's `snapshot` event (DESIGN §7) written in time slices: every Drop's state is
 * captured in one pass into typed arrays when a reader starts (so the snapshot still matches
 * the event ids after it), and its JSON text is made piece by piece as the reader sends it.
 * The text is what `JSON.stringify({...head, drops: graphStatus()})` gives.
 */
import { AppDrop, type Drop } from "../drops/mod.ts";
import { slicedPieces } from "../graph/mod.ts";

/** Sessions with at least this many Drops get a sliced snapshot. */
export const SLICED_SNAPSHOT_AT = 20_000;

/** A session's Drops, as its DropIndex gives them. */
export interface DropList {
  readonly size: number;
  values(): Iterable<Drop>;
}

/** A Drop's entry in `graph/status` (and in snapshots). */
export interface DropState {
  status: number;
  execStatus?: number;
}

/** A Drop's entry in `graph/status` as JSON text; `execStatus` < 0 (a data Drop): none. */
export function stateText(status: number, execStatus: number): string {
  return execStatus < 0
    ? `{"status":${status}}`
    : `{"status":${status},"execStatus":${execStatus}}`;
}

export class SlicedSnapshot {
  #head: Record<string, unknown>;
  #oids: string[];
  #status: Uint8Array;
  /** The app's execStatus, or -1 for data Drops. */
  #exec: Int8Array;

  /**
   * Capture the states now, of a session's Drops or of the states a composite tier keeps by
   * OID; `head` is the session part (`status`, `error`...).
   */
  constructor(head: Record<string, unknown>, drops: DropList | ReadonlyMap<string, DropState>) {
    this.#head = head;
    const n = drops.size;
    this.#oids = [];
    this.#status = new Uint8Array(n);
    this.#exec = new Int8Array(n);
    let i = 0;
    if (drops instanceof Map) {
      for (const [oid, d] of drops as ReadonlyMap<string, DropState>) {
        this.#oids.push(oid);
        this.#status[i] = d.status;
        this.#exec[i++] = d.execStatus ?? -1;
      }
      return;
    }
    for (const d of (drops as DropList).values()) {
      this.#oids.push(d.oid);
      this.#status[i] = d.status;
      this.#exec[i++] = d instanceof AppDrop ? d.execStatus : -1;
    }
  }

  /** The JSON text in pieces, the event loop let in between slices. */
  pieces(): AsyncGenerator<string | Uint8Array> {
    return slicedPieces(this.#texts());
  }

  *#texts(): Generator<string> {
    const head = JSON.stringify(this.#head);
    yield `${head.slice(0, -1)},"drops":{`;
    for (let i = 0; i < this.#oids.length; i++) {
      const x = this.#exec[i]!;
      yield `${i ? "," : ""}${JSON.stringify(this.#oids[i])}:${stateText(this.#status[i]!, x)}`;
    }
    yield "}}";
  }

  /** The whole value at once (for in-process readers that ask for `data`). */
  toJSON(): Record<string, unknown> {
    const drops: Record<string, { status: number; execStatus?: number }> = {};
    for (let i = 0; i < this.#oids.length; i++) {
      const x = this.#exec[i]!;
      drops[this.#oids[i]!] = x < 0
        ? { status: this.#status[i]! }
        : { status: this.#status[i]!, execStatus: x };
    }
    return { ...this.#head, drops };
  }
}
