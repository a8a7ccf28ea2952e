/**
 * A session's event stream as clients read it (DESIGN §7): numbered events, serialised once and
 * shared by every reader, the recent ones kept so that a reader reconnecting with
 * `Last-Event-ID` gets what it missed (or a fresh snapshot when that is no longer kept). Used by
 * every tier: a node fills it from its session bus, a composite from its children's streams.
 */
import { SlicedSnapshot } from "./snapshot.ts";

/** One server-sent event: `id`, `event` name and its JSON `data`. */
export interface SseEvent {
  id: number;
  event: string;
  data: string;
  /** The event as SSE bytes, encoded once for every reader (`sseBytes`). */
  bytes?: Uint8Array;
  /** A big snapshot's data, to be written in slices (`data` makes it all at once). */
  sliced?: SlicedSnapshot;
}

const encoder = new TextEncoder();

/**
 * The event as written on the wire (hono's `writeSSE` format: `event`, one `data:` line per line
 * of data, `id`), encoded on first use and shared by every reader of the event.
 */
export function sseBytes(e: SseEvent): Uint8Array {
  if (e.bytes) return e.bytes;
  const data = /[\r\n]/.test(e.data)
    ? e.data.split(/\r\n|\r|\n/).map((line) => `data: ${line}`).join("\n")
    : `data: ${e.data}`;
  return e.bytes = encoder.encode(`event: ${e.event}\n${data}\nid: ${e.id}\n\n`);
}

/** The snapshot a new reader starts from: `{status, drops}` (and `error` when failed). */
export type Snapshot = () =>
  | { status: unknown; drops: unknown; error?: string }
  | SlicedSnapshot;

/** Events kept for readers that reconnect; past either bound they get a fresh snapshot. */
const KEEP_EVENTS = 1024;
const KEEP_BYTES = 8 * 1024 * 1024;

export class EventLog {
  #seq: number;
  #kept: SseEvent[] = [];
  #bytes = 0;
  #readers = new Set<EventReader>();
  #ended = false;
  #last: SseEvent | undefined;

  /** `after`: the last id of an earlier log of the same stream (ids go on from it). */
  constructor(after = 0) {
    this.#seq = after;
  }

  /** The id of the last event pushed. */
  get lastId(): number {
    return this.#seq;
  }

  /** Has the terminal `session` event been pushed? */
  get ended(): boolean {
    return this.#ended;
  }

  /** Add an event (`data` already JSON, or a value to serialise once). */
  push(event: string, data: unknown): void {
    if (this.#ended) return;
    const e = {
      id: ++this.#seq,
      event,
      data: typeof data === "string" ? data : JSON.stringify(data),
    };
    this.#kept.push(e);
    this.#bytes += e.data.length;
    while (this.#kept.length > KEEP_EVENTS || this.#bytes > KEEP_BYTES) {
      this.#bytes -= this.#kept.shift()!.data.length;
    }
    if (event === "session") this.#last = e;
    for (const r of this.#readers) r.put(e);
  }

  /** The last event: readers are told, and end after it. */
  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    for (const r of this.#readers) r.finish();
    this.#readers.clear();
  }

  /**
   * A reader from `lastId` on: the kept events after it when they are all still kept, else a
   * `snapshot` (and, after the end, the terminal `session` event) first.
   */
  read(snapshot: Snapshot, lastId?: number): EventReader {
    const r = new EventReader(() => this.#readers.delete(r));
    const first = this.#kept[0]?.id ?? this.#seq + 1;
    if (lastId !== undefined && lastId <= this.#seq && lastId >= first - 1) {
      for (const e of this.#kept) if (e.id > lastId) r.put(e);
    } else {
      // After the end the last `session` event follows the snapshot, which then takes the id
      // before it: ids increase, and a reader coming back with that id gets the terminal event.
      const last = this.#ended && this.#last?.id === this.#seq ? this.#last : undefined;
      r.put(snapshotEvent(last ? last.id - 1 : this.#seq, snapshot()));
      if (last) r.put(last);
    }
    if (this.#ended) r.finish();
    else this.#readers.add(r);
    return r;
  }

  /** Readers leave; nothing more is kept. */
  close(): void {
    this.end();
    this.#kept = [];
  }
}

/** The `snapshot` event; a sliced one makes its `data` only when someone asks for it. */
function snapshotEvent(id: number, snap: ReturnType<Snapshot>): SseEvent {
  if (!(snap instanceof SlicedSnapshot)) {
    return { id, event: "snapshot", data: JSON.stringify(snap) };
  }
  let data: string | undefined;
  return {
    id,
    event: "snapshot",
    sliced: snap,
    get data() {
      return data ??= JSON.stringify(snap);
    },
  };
}

/** One client's view: an async iterable of events that ends after the last one. */
export class EventReader implements AsyncIterable<SseEvent> {
  #queue: SseEvent[] = [];
  #wake: (() => void) | undefined;
  #done = false;
  #leave: () => void;

  constructor(leave: () => void) {
    this.#leave = leave;
  }

  put(e: SseEvent): void {
    this.#queue.push(e);
    this.#wake?.();
  }

  finish(): void {
    this.#done = true;
    this.#wake?.();
  }

  /** The client went away. */
  close(): void {
    this.finish();
    this.#queue = [];
    this.#leave();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<SseEvent> {
    try {
      while (true) {
        while (this.#queue.length) {
          const batch = this.#queue;
          this.#queue = [];
          for (const e of batch) yield e;
        }
        if (this.#done) return;
        await new Promise<void>((resolve) => this.#wake = resolve);
        this.#wake = undefined;
      }
    } finally {
      this.#leave();
    }
  }
}
