/**
 * Outgoing events, coalesced per peer and session: everything queued in one turn of the event
 * loop leaves as one `POST .../events`; while one awaits its first answer, what comes meanwhile
 * waits and leaves as the next (a busy run posted nearly every turn: 48 posts reached one node of
 * the hierarchy row, 10 now). A post that fails is retried with backoff and jitter for
 * `retryMs`; the receiver applies each event once, so a retry that crosses a slow first try is
 * harmless. A peer that refuses a batch (4xx) gets, instead, each event as a small ERROR with
 * why, so the Drop waiting there fails with the reason instead of waiting for ever. A batch
 * given up is handed to `onLost` as those ERRORs, for a parent that reaches the peer to deliver.
 */
import { jitter, pause, RestClient, type Transport } from "../client/mod.ts";
import { DropStates } from "../drops/mod.ts";
import { packBySize } from "../graph/mod.ts";
import { type LostEvents, MAX_LOST_EVENTS, sessionPath, type WireEvent } from "../wire/mod.ts";

const BATCH_BYTES = 2 * 1024 * 1024;
/** Longest pause between two tries. */
const MAX_BACKOFF_MS = 5_000;

export interface SenderOptions {
  /** How events (and the Drop bytes proxies stream) reach other nodes. */
  transport?: Transport;
  /** Milliseconds one POST may take (default 10 s). */
  timeoutMs?: number;
  /** Milliseconds a batch is retried before it is given up (default 60 s). */
  retryMs?: number;
  /**
   * A batch for `sessionId` was given up: the Drops waiting for it on the peer never hear.
   * `lost`: the peer and (some of) the batch's events as ERRORs saying why.
   */
  onLost?: (sessionId: string, why: string, lost: LostEvents) => void;
}

interface Queue {
  peer: string;
  sessionId: string;
  events: WireEvent[];
}

export class EventSender {
  /** How events (and the Drop bytes proxies stream) reach other nodes. */
  readonly transport: Transport | undefined;
  readonly #timeoutMs: number;
  readonly #retryMs: number;
  readonly #onLost: SenderOptions["onLost"];
  #queues = new Map<string, Queue>();
  /** Peers and sessions (queue keys) with a post awaiting its first answer. */
  #busy = new Set<string>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #inflight = new Set<Promise<void>>();
  #abort = new AbortController();

  constructor(o: SenderOptions = {}) {
    this.transport = o.transport;
    this.#timeoutMs = o.timeoutMs ?? 10_000;
    this.#retryMs = o.retryMs ?? 60_000;
    this.#onLost = o.onLost;
  }

  /** Queue `event` for the session `sessionId` on `peer` (a base URL). */
  send(peer: string, sessionId: string, event: WireEvent): void {
    if (this.#abort.signal.aborted) return;
    const key = `${peer}\n${sessionId}`;
    const q = this.#queues.get(key);
    if (q) q.events.push(event);
    else this.#queues.set(key, { peer, sessionId, events: [event] });
    if (!this.#busy.has(key)) this.#timer ??= setTimeout(this.#flush, 0);
  }

  #flush = (): void => {
    this.#timer = undefined;
    for (const key of [...this.#queues.keys()]) if (!this.#busy.has(key)) this.#postQueue(key);
  };

  /** Post what is queued for `key`; what is queued meanwhile leaves once it is answered. */
  #postQueue(key: string): void {
    const q = this.#queues.get(key);
    if (!q || this.#abort.signal.aborted) return;
    this.#queues.delete(key);
    this.#busy.add(key);
    const client = new RestClient(q.peer, {
      timeoutMs: this.#timeoutMs,
      transport: this.transport,
    });
    const firsts = split(q.events).map((part) => {
      const { promise, resolve } = Promise.withResolvers<void>();
      this.#post(client, q.sessionId, part, resolve);
      return promise;
    });
    Promise.all(firsts).then(() => {
      this.#busy.delete(key);
      this.#postQueue(key);
    });
  }

  #post(client: RestClient, sessionId: string, events: WireEvent[], answered?: () => void): void {
    const p = this.#deliver(client, sessionId, events, answered).finally(() => {
      this.#inflight.delete(p);
      answered?.();
    });
    this.#inflight.add(p);
  }

  /** Deliver `events`, retried until given up; `answered` once the first try is over. */
  async #deliver(
    client: RestClient,
    sessionId: string,
    events: WireEvent[],
    answered?: () => void,
  ): Promise<void> {
    const path = sessionPath(sessionId, "/events");
    const signal = this.#abort.signal;
    const url = `${client.url}${path}`;
    const deadline = Date.now() + this.#retryMs;
    const body = JSON.stringify(events);
    for (let t = 0; !signal.aborted; t++) {
      let why: string;
      try {
        const r = await client.raw("POST", path, {
          body,
          headers: { "content-type": "application/json" },
          signal,
          attempt: t,
        });
        const text = await r.text();
        if (r.ok) return;
        why = `HTTP ${r.status} ${text.slice(0, 200)}`;
        if (r.status < 500) {
          return this.#refused(client, sessionId, events, `${url} refused them: ${why}`);
        }
      } catch (e) {
        why = (e as Error).message;
      } finally {
        answered?.();
      }
      if (Date.now() >= deadline) {
        const lost = `events to ${url} lost after ${t + 1} tries: ${why}`;
        console.error(lost);
        const errors = asErrors(events.slice(0, MAX_LOST_EVENTS), lost);
        this.#onLost?.(sessionId, lost, { node: client.url, events: errors });
        return;
      }
      await pause(jitter(Math.min(100 * 2 ** t, MAX_BACKOFF_MS)), signal);
    }
  }

  /** The peer answered but refused: each event goes again as a small ERROR saying why. */
  #refused(client: RestClient, sessionId: string, events: WireEvent[], why: string): void {
    console.error(`events to ${why}`);
    // An ERROR is already as small as it gets: refused too, it is only logged.
    const errors = events.filter((e) => e.status !== DropStates.ERROR);
    if (errors.length) this.#post(client, sessionId, asErrors(errors, why));
  }

  /** Wait for what is queued and in flight (at most `ms`). */
  async drain(ms = 5_000): Promise<void> {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer);
      this.#flush();
    }
    let t: ReturnType<typeof setTimeout> | undefined;
    let over = false;
    const late = new Promise<void>((r) => t = setTimeout(r, ms)).then(() => over = true);
    // Events held behind a post leave when it is answered: wait for those too.
    while (!over && (this.#inflight.size || this.#queues.size)) {
      await Promise.race([Promise.all(this.#inflight), late]);
      if (!this.#inflight.size && this.#queues.size) this.#flush();
    }
    clearTimeout(t);
  }

  /** Stop: nothing more leaves, retries end. */
  async stop(): Promise<void> {
    this.#abort.abort(new Error("stopped"));
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#queues.clear();
    await Promise.allSettled(this.#inflight);
  }
}

/** `events` as small ERRORs saying they could not be delivered, and why (an ERROR stays as is). */
function asErrors(events: WireEvent[], why: string): WireEvent[] {
  return events.map((e) =>
    e.status === DropStates.ERROR ? e : {
      type: e.type,
      uid: e.uid,
      ...(e.to === undefined ? {} : { to: e.to }),
      status: DropStates.ERROR,
      error: `event ${e.type} of ${e.uid} could not be delivered: ${why}`,
    }
  );
}

/** Batches of at most ~2 MB, well under any peer's request limit. */
function split(events: WireEvent[]): WireEvent[][] {
  return packBySize(events, (e) => 100 + (e.data?.length ?? 0), { maxBytes: BATCH_BYTES });
}
