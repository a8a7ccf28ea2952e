/**
 * Outgoing events, coalesced per peer and session: everything queued in one turn of the event
 * loop leaves as one `POST .../events`. Failed posts are retried a few times, then logged.
 */
import { RestClient, type Transport } from "../client/mod.ts";
import { packBySize } from "../graph/mod.ts";
import { sessionPath, type WireEvent } from "../wire/mod.ts";

const TRIES = 4;
const TIMEOUT_MS = 10_000;
const BATCH_BYTES = 2 * 1024 * 1024;

interface Queue {
  peer: string;
  sessionId: string;
  events: WireEvent[];
}

export class EventSender {
  /** How events (and the Drop bytes proxies stream) reach other nodes. */
  readonly transport: Transport | undefined;
  #queues = new Map<string, Queue>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight = new Set<Promise<void>>();
  #stopped = false;

  constructor(transport?: Transport) {
    this.transport = transport;
  }

  /** Queue `event` for the session `sessionId` on `peer` (a base URL). */
  send(peer: string, sessionId: string, event: WireEvent): void {
    if (this.#stopped) return;
    const key = `${peer}\n${sessionId}`;
    const q = this.#queues.get(key);
    if (q) q.events.push(event);
    else this.#queues.set(key, { peer, sessionId, events: [event] });
    this.#timer ??= setTimeout(this.#flush, 0);
  }

  #flush = (): void => {
    this.#timer = undefined;
    const queues = this.#queues;
    this.#queues = new Map();
    for (const q of queues.values()) {
      const client = new RestClient(q.peer, { timeoutMs: TIMEOUT_MS, transport: this.transport });
      for (const part of split(q.events)) {
        const p = post(client, sessionPath(q.sessionId, "/events"), part).finally(() =>
          this.#inflight.delete(p)
        );
        this.#inflight.add(p);
      }
    }
  };

  /** Wait for what is queued and in flight. */
  async drain(): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#flush();
    }
    await Promise.all(this.#inflight);
  }

  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queues.clear();
  }
}

async function post(client: RestClient, path: string, events: WireEvent[]): Promise<void> {
  const body = JSON.stringify(events);
  const url = `${client.url}${path}`;
  for (let t = 1; t <= TRIES; t++) {
    try {
      const r = await client.raw("POST", path, {
        body,
        headers: { "content-type": "application/json" },
      });
      const text = await r.text();
      if (r.ok) return;
      if (r.status < 500 || t === TRIES) {
        console.error(`events to ${url} refused: HTTP ${r.status} ${text.slice(0, 200)}`);
        return;
      }
    } catch (e) {
      if (t === TRIES) {
        console.error(`events to ${url} lost after ${TRIES} tries: ${(e as Error).message}`);
        return;
      }
    }
    await new Promise((r) => setTimeout(r, 100 * t));
  }
}

/** Batches of at most ~2 MB, well under any peer's request limit. */
function split(events: WireEvent[]): WireEvent[][] {
  return packBySize(events, (e) => 100 + (e.data?.length ?? 0), { maxBytes: BATCH_BYTES });
}
