/**
 * Stand-ins for Drops on other nodes. `ProxyInput`: a remote data Drop as local consumers see
 * it, completed by the remote `dropCompleted` after its bytes are streamed in. `RemoteConsumer`:
 * tells a remote node that a local data Drop completed. `RemoteOutput`: a remote data Drop a
 * local app writes; its bytes and `producerFinished` go to the node that holds it.
 */
import { type Consumer, DataDrop, type DropHost, DropStates, MemoryStore } from "../drops/mod.ts";
import { parseNode, type WireEvent } from "../wire/mod.ts";
import { fromBase64, INLINE_MAX, toBase64 } from "./base64.ts";
import { fetchDrop, pushDrop } from "./data_stream.ts";
import type { EventSender } from "./sender.ts";

const { COMPLETED, ERROR, SKIPPED } = DropStates;

/** What proxies share: the session, the event sender (and its transport), cancellation. */
export interface ProxyContext {
  sessionId: string;
  sender: EventSender;
  signal: AbortSignal;
}

/** How a proxy streams Drop bytes: cancelled with the session, through the sender's transport. */
function streamOptions(ctx: ProxyContext) {
  return { signal: ctx.signal, transport: ctx.sender.transport };
}

/** A host for proxies: they are not local Drops, so their changes count for nothing. */
export function proxyHost(h: DropHost): DropHost {
  return { sessionId: h.sessionId, dir: h.dir, root: h.root, changed() {}, ready() {} };
}

/** `node host:port`, how errors name a peer. */
export function peerName(peer: string): string {
  try {
    return `node ${parseNode(peer).key}`;
  } catch {
    return `node ${peer}`;
  }
}

export class ProxyInput extends DataDrop {
  readonly peer: string;
  #origin: string;
  /** The remote Drop's completion arrived: a repeat (a retried event) changes nothing. */
  #started = false;

  /** `host`: a `proxyHost`; `origin`: `peerName(peer)` (both made once per session and peer). */
  constructor(uid: string, host: DropHost, peer: string, origin: string) {
    super(uid, uid, host);
    this.peer = peer;
    this.#origin = origin;
  }

  override get origin(): string {
    return this.#origin;
  }

  /** The remote Drop finished: fetch its bytes if any (once), then tell local consumers. */
  async remoteCompleted(ev: WireEvent, ctx: ProxyContext): Promise<void> {
    if (this.#started || this.status !== DropStates.INITIALIZED) return;
    this.#started = true;
    if (ev.status === SKIPPED) return this.skipAndNotify();
    if (ev.status !== COMPLETED) return this.setError(ev.error ?? "no reason given");
    try {
      if (ev.data !== undefined) this.store.write(fromBase64(ev.data));
      else if ((ev.size ?? 1) > 0) {
        const ids = { sessionId: ctx.sessionId, uid: this.uid };
        await fetchDrop(this.peer, ids, this.store, streamOptions(ctx));
      }
    } catch (e) {
      if (ctx.signal.aborted) return;
      return this.setError((e as Error).message);
    }
    this.setCompleted();
  }
}

export class RemoteConsumer implements Consumer {
  readonly uid: string;
  readonly peer: string;
  /** The remote side has what it needs (for expiry). */
  done = false;
  #ctx: ProxyContext;

  constructor(peer: string, ctx: ProxyContext) {
    this.uid = `remote:${peer}`;
    this.peer = peer;
    this.#ctx = ctx;
  }

  dropCompleted(input: DataDrop, status: number): void {
    const ev: WireEvent = { type: "dropCompleted", uid: input.uid, status };
    if (status === COMPLETED) {
      const size = input.store.size;
      ev.size = size;
      if (size <= INLINE_MAX) {
        if (size > 0) ev.data = toBase64(input.store.bytes());
        this.done = true;
      }
    } else {
      if (status === ERROR) ev.error = input.error ?? "no reason given";
      this.done = true;
    }
    this.#ctx.sender.send(this.peer, this.#ctx.sessionId, ev);
  }
}

export class RemoteOutput extends DataDrop {
  readonly peer: string;
  readonly producerUid: string;
  #ctx: ProxyContext;

  /** `host`: a `proxyHost`. */
  constructor(
    uid: string,
    host: DropHost,
    o: { peer: string; producer: string; ctx: ProxyContext },
  ) {
    super(uid, uid, host, new MemoryStore());
    this.peer = o.peer;
    this.producerUid = o.producer;
    this.#ctx = o.ctx;
    this.nProducers = 1;
  }

  override producerFinished(status: number, why?: string): void {
    super.producerFinished(status, why);
    this.#forward(status, why).catch((e) => {
      if (this.#ctx.signal.aborted) return;
      // The bytes did not get there: the Drop there fails with why, never waits for ever.
      const error = `writing ${this.uid} to ${peerName(this.peer)} failed: ${(e as Error).message}`;
      console.error(error);
      const ev: WireEvent = {
        type: "producerFinished",
        uid: this.producerUid,
        to: this.uid,
        status: ERROR,
        error,
      };
      this.#ctx.sender.send(this.peer, this.#ctx.sessionId, ev);
    });
  }

  async #forward(status: number, why: string | undefined): Promise<void> {
    const ev: WireEvent = { type: "producerFinished", uid: this.producerUid, to: this.uid, status };
    if (status === ERROR) ev.error = why ?? "no reason given";
    const size = this.store.size;
    if (status !== ERROR && size > 0) {
      if (size <= INLINE_MAX) ev.data = toBase64(this.store.bytes());
      else {
        const ids = { sessionId: this.#ctx.sessionId, uid: this.uid };
        await pushDrop(this.peer, ids, this.store, streamOptions(this.#ctx));
      }
    }
    this.store.release();
    this.#ctx.sender.send(this.peer, this.#ctx.sessionId, ev);
  }
}
