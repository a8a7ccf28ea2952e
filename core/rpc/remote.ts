/**
 * A node session's links to Drops on other nodes, from `POST .../subscriptions`
 * (`{peerNode: [[lhsUid, linkType, rhsUid], ...]}`, "lhs is linkType of rhs"). At deploy the
 * links become proxies (see proxies.ts); afterwards incoming events drive them.
 */
import { AppDrop, DataDrop, type DropHost, DropStates, linkAdded } from "../drops/mod.ts";
import type { RemoteLinks, Session } from "../session/mod.ts";
import { type Edge, edgeOf, parseNode, type WireEvent } from "../wire/mod.ts";
import { fromBase64 } from "./base64.ts";
import {
  peerName,
  type ProxyContext,
  proxyHost,
  ProxyInput,
  RemoteConsumer,
  RemoteOutput,
} from "./proxies.ts";
import type { EventSender } from "./sender.ts";

/** One cross-node edge, and which end of it is here. */
interface RemoteEdge extends Edge {
  local: "data" | "app";
  peer: string;
  /** The next edge to the same remote Drop (a short chain: mostly none). */
  next: RemoteEdge | undefined;
  /** Its producer's event was applied (a produce edge to local data): repeats change nothing. */
  applied: boolean;
}

/** The states a remote Drop or producer ends in: what events between nodes may say. */
const FINAL = new Set<number>([DropStates.COMPLETED, DropStates.ERROR, DropStates.SKIPPED]);

/** Made by the session itself (its `links` option): nothing is hooked on from outside. */
export class SessionRemote implements RemoteLinks {
  readonly #session: Session;
  readonly #ctx: ProxyContext;
  readonly #abort = new AbortController();
  /** The edges, in the order they were subscribed. */
  #edges: RemoteEdge[] = [];
  /** The edges by the UID of their remote end (no key string made per relation or event). */
  #byRemote = new Map<string, RemoteEdge>();
  #proxies = new Map<string, ProxyInput>();
  #remoteConsumers = new Map<DataDrop, RemoteConsumer[]>();
  #pending: WireEvent[] | null = [];
  /** Bytes pushes still expected per local Drop (one per remote producer). */
  #pushes = new Map<string, number>();

  /** The host every proxy of this session shares, and how errors name each peer. */
  readonly #proxyHost: DropHost;
  readonly #peerNames = new Map<string, string>();

  constructor(session: Session, sender: EventSender) {
    this.#session = session;
    this.#proxyHost = proxyHost(session);
    this.#ctx = { sessionId: session.sessionId, sender, signal: this.#abort.signal };
  }

  has(oid: string): boolean {
    return this.#byRemote.has(oid);
  }

  /** The edge `kind` between local or remote `data` and `app` whose remote end is `remote`. */
  #edge(remote: string, kind: Edge["kind"], data: string, app: string): RemoteEdge | undefined {
    let e = this.#byRemote.get(remote);
    while (e && !(e.kind === kind && e.data === data && e.app === app)) e = e.next;
    return e;
  }

  /** Record relations with `peerNode`; returns how many named no local Drop. */
  subscribe(peerNode: string, rels: [string, number, string][]): number {
    const peer = parseNode(peerNode).url;
    let foreign = 0;
    for (const [lhs, rel, rhs] of rels) {
      const e = edgeOf(lhs, rel, rhs);
      if (!e) continue;
      const dataHere = this.#session.hasUid(e.data);
      const appHere = this.#session.hasUid(e.app);
      if (dataHere === appHere) {
        if (!dataHere) foreign++;
        continue;
      }
      const remote = dataHere ? e.app : e.data;
      // Found by its remote end, an edge said again has the same local end: only the peer may
      // change, and the last word counts.
      const had = this.#edge(remote, e.kind, e.data, e.app);
      if (had) {
        had.peer = peer;
        continue;
      }
      if (dataHere && e.kind === "produce") {
        this.#pushes.set(e.data, (this.#pushes.get(e.data) ?? 0) + 1);
      }
      const edge: RemoteEdge = {
        kind: e.kind,
        data: e.data,
        app: e.app,
        local: dataHere ? "data" : "app",
        peer,
        next: this.#byRemote.get(remote),
        applied: false,
      };
      this.#byRemote.set(remote, edge);
      this.#edges.push(edge);
    }
    return foreign;
  }

  get size(): number {
    return this.#edges.length;
  }

  /** Deploy time: wire proxies into the freshly built local graph. */
  attach(): void {
    if (this.#edges.length === 0) return;
    for (const e of this.#edges) {
      if (e.local === "data") {
        const d = this.#session.dropByUid(e.data);
        if (!(d instanceof DataDrop)) continue;
        if (e.kind === "produce") d.nProducers++;
        else this.#remoteConsumer(d, e.peer);
      } else {
        const a = this.#session.dropByUid(e.app);
        if (!(a instanceof AppDrop)) continue;
        if (e.kind === "produce") {
          a.outputLinks = linkAdded(
            a.outputLinks,
            new RemoteOutput(e.data, this.#proxyHost, {
              peer: e.peer,
              producer: a.uid,
              ctx: this.#ctx,
            }),
          );
        } else {
          let p = this.#proxies.get(e.data);
          if (!p) {
            p = new ProxyInput(e.data, this.#proxyHost, e.peer, this.#peerName(e.peer));
            this.#proxies.set(e.data, p);
          }
          a.inputLinks = linkAdded(a.inputLinks, p);
          p.consumerLinks = linkAdded(p.consumerLinks, a);
        }
      }
    }
    const pending = this.#pending ?? [];
    this.#pending = null;
    if (pending.length) queueMicrotask(() => this.deliver(pending));
  }

  #peerName(peer: string): string {
    let name = this.#peerNames.get(peer);
    if (name === undefined) this.#peerNames.set(peer, name = peerName(peer));
    return name;
  }

  #remoteConsumer(d: DataDrop, peer: string): void {
    const list = this.#remoteConsumers.get(d) ?? [];
    if (list.some((c) => c.peer === peer)) return;
    const c = new RemoteConsumer(peer, this.#ctx);
    list.push(c);
    this.#remoteConsumers.set(d, list);
    d.consumerLinks = linkAdded(d.consumerLinks, c);
  }

  /** A peer read `d`'s bytes: one remote consumer has what it needs. */
  read(d: DataDrop): void {
    const c = this.#remoteConsumers.get(d)?.find((x) => !x.done);
    if (c) c.done = true;
  }

  /**
   * A peer pushes the bytes of local Drop `uid`: only a Drop a remote app produces, once per
   * such producer. False when refused.
   */
  acceptBytes(uid: string): boolean {
    const left = this.#pushes.get(uid) ?? 0;
    if (left <= 0) return false;
    this.#pushes.set(uid, left - 1);
    return true;
  }

  /**
   * Events from peers; kept until deploy if they come early. Each is applied at most once (a
   * `dropCompleted` by its proxy, a `producerFinished` by its edge), and only for an edge this
   * session has: repeats and strays change nothing.
   */
  deliver(events: WireEvent[]): void {
    if (this.#pending) {
      this.#pending.push(...events);
      return;
    }
    for (const ev of events) {
      // Only a final state finishes anything: an event saying less is not one a peer sends.
      if (!FINAL.has(ev.status)) continue;
      if (ev.type === "dropCompleted") {
        // A proxy takes its remote Drop's completion once (`remoteCompleted`).
        this.#proxies.get(ev.uid)?.remoteCompleted(ev, this.#ctx);
        continue;
      }
      const edge = this.#edge(ev.uid, "produce", ev.to ?? "", ev.uid);
      if (edge?.local !== "data" || edge.applied) continue;
      const d = this.#session.dropByUid(edge.data);
      if (!(d instanceof DataDrop)) continue;
      edge.applied = true;
      if (ev.status === DropStates.ERROR) {
        d.producerFinished(
          ev.status,
          `${ev.error ?? "no reason given"} (on ${this.#peerName(edge.peer)})`,
        );
        continue;
      }
      if (ev.data !== undefined && d.status <= DropStates.WRITING) {
        // Bytes inline count as the producer's one write, as a push does: never both.
        if (!this.acceptBytes(d.uid)) {
          d.setError(`bytes for ${d.uid} came twice (pushed, then inline from its producer)`);
          continue;
        }
        try {
          d.write(fromBase64(ev.data));
        } catch (e) {
          d.setError((e as Error).message);
          continue;
        }
      }
      if (ev.status === DropStates.SKIPPED) d.skip();
      d.producerFinished(ev.status);
    }
  }

  /** Cancel fetches and pushes in flight. */
  abort(): void {
    this.#abort.abort(new Error("session cancelled"));
    for (const p of this.#proxies.values()) p.cancel();
  }
}
