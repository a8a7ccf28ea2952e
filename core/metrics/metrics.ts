/**
 * A tier's Prometheus metrics (npm `prom-client`, one Registry per manager, no global state).
 * Counters move per request, per outbound call and per event batch; gauges (sessions and Drops
 * by state, pools, children) are read from the manager when scraped, so the Drops' hot path
 * pays nothing for them.
 */
import { Counter, Gauge, Registry } from "prom-client";
import { RouteHistogram, type Series } from "./route_histogram.ts";
import { dropStateName } from "../drops/mod.ts";
import type { CallInfo, Transport } from "../client/mod.ts";
import type { ManagerEvents } from "../session/mod.ts";

/** A pool's use (the worker pool; a Python pool registers the same shape). */
export interface PoolStats {
  size: number;
  workers: number;
  busy: number;
  queued: number;
}

/** What a scrape reads from the manager. */
export interface MetricsSources {
  /** Number of sessions by state name. */
  sessions?: () => Promise<Record<string, number>> | Record<string, number>;
  /** Number of Drops by state name (a node). */
  drops?: () => Record<string, number>;
  /** Pools by name (`worker`, `python`, ...). */
  pools?: Record<string, () => PoolStats>;
  /** Children and why each is down (a composite tier). */
  children?: () => readonly { name: string; down: string | undefined }[];
}

/** What a path carries between tiers, for the traffic metrics. */
export function trafficKind(method: string, path: string): string {
  if (/\/drops\/[^/]+\/data$/.test(path)) return "data";
  if (/\/events$/.test(path)) return method === "POST" ? "events" : "stream";
  if (/\/graph\/(append|placement)$/.test(path)) return "graph";
  return "control";
}

/** One (method, route, status) the HTTP metrics have seen: its label objects, made once. */
interface Served {
  count: { method: string; route: string; status: string };
  /** Its (method, route) series of the duration histogram (shared by its statuses). */
  seconds: Series;
  kind: string;
  /** Requests since the last scrape (the counter takes them as it is collected). */
  n: number;
}

export class Metrics {
  readonly registry = new Registry();
  #sources: MetricsSources = {};
  readonly httpRequests: Counter<"method" | "route" | "status">;
  readonly httpSeconds: RouteHistogram;
  readonly #calls: Counter<"direction" | "kind" | "status">;
  readonly #bytes: Counter<"direction" | "kind">;
  readonly #retries: Counter<"kind">;
  readonly #events: Counter<"event">;
  readonly #dropChanges: Counter<"state">;
  /** Changes counted since the last scrape: Drops by the state entered, session states, logs. */
  #seen = { drops: [] as number[], session: 0, log: 0 };
  /** Requests served by method, route and status (`served`). */
  #served = new Map<string, Served>();
  /** The duration histogram's series, by method and route. */
  #seconds = new Map<string, Series>();

  constructor(tier: string) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ tier });
    const served = this.#served;
    this.httpRequests = new Counter({
      name: "dlg_http_requests_total",
      help: "HTTP requests served, by route and status",
      labelNames: ["method", "route", "status"],
      registers,
      // Counted in `served` (no label hashing per request), taken in at each scrape.
      collect() {
        for (const s of served.values()) {
          if (s.n) this.inc(s.count, s.n);
          s.n = 0;
        }
      },
    });
    this.httpSeconds = new RouteHistogram({
      name: "dlg_http_request_duration_seconds",
      help: "Time to answer HTTP requests, by route",
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
      registry: this.registry,
    });
    this.#calls = new Counter({
      name: "dlg_tier_requests_total",
      help: "Requests between tiers (out: made by this manager, in: served), by what they carry",
      labelNames: ["direction", "kind", "status"],
      registers,
    });
    this.#bytes = new Counter({
      name: "dlg_tier_bytes_total",
      help: "Body bytes between tiers where their size is known (events, Drop data, graphs)",
      labelNames: ["direction", "kind"],
      registers,
    });
    this.#retries = new Counter({
      name: "dlg_retries_total",
      help: "Calls to another tier tried again",
      labelNames: ["kind"],
      registers,
    });
    const flush = () => this.#flushSeen();
    this.#events = new Counter({
      name: "dlg_session_events_total",
      help: "Session changes published: Drop state changes, session states, Drop log lines",
      labelNames: ["event"],
      registers,
      collect: flush,
    });
    this.#dropChanges = new Counter({
      name: "dlg_drop_changes_total",
      help: "Drop state changes, by the state entered",
      labelNames: ["state"],
      registers,
      collect: flush,
    });
    this.#gauges();
  }

  /** What scrapes read (set once the manager exists; pools may be added later). */
  attach(sources: MetricsSources): void {
    this.#sources = {
      ...this.#sources,
      ...sources,
      pools: { ...this.#sources.pools, ...sources.pools },
    };
  }

  /** Count the calls made over `t` (the process's one outbound transport); returns `t`. */
  observing<T extends Transport>(t: T): T {
    const before = t.observe;
    t.observe = (call) => {
      this.outbound(call);
      before?.(call);
    };
    return t;
  }

  outbound(call: CallInfo): void {
    const kind = trafficKind(call.method, call.path);
    this.#calls.inc({ direction: "out", kind, status: String(call.status) });
    if (call.attempt) this.#retries.inc({ kind });
    if (call.bytesOut) this.#bytes.inc({ direction: "out", kind }, call.bytesOut);
    if (call.bytesIn) this.#bytes.inc({ direction: "in", kind }, call.bytesIn);
  }

  /**
   * A request answered: counted by its route pattern (not its path: ids would make a series per
   * session) and status, timed; returns its traffic kind (`trafficKind`).
   */
  served(method: string, route: string, status: number, secs: number): string {
    const key = `${method} ${status} ${route}`;
    let s = this.#served.get(key);
    if (!s) {
      const pair = `${method} ${route}`;
      let seconds = this.#seconds.get(pair);
      if (!seconds) this.#seconds.set(pair, seconds = this.httpSeconds.series({ method, route }));
      s = {
        count: { method, route, status: String(status) },
        seconds,
        kind: trafficKind(method, route),
        n: 0,
      };
      this.#served.set(key, s);
    }
    s.n++;
    this.httpSeconds.observe(s.seconds, secs);
    return s.kind;
  }

  /** A request served to another tier or a client. */
  inbound(
    method: string,
    path: string,
    status: number,
    bytesIn?: number,
    bytesOut?: number,
    kind = trafficKind(method, path),
  ) {
    if (kind === "control") return; // counted by the HTTP metrics
    this.#calls.inc({ direction: "in", kind, status: String(status) });
    if (bytesIn) this.#bytes.inc({ direction: "in", kind }, bytesIn);
    if (bytesOut) this.#bytes.inc({ direction: "out", kind }, bytesOut);
  }

  /** A call tried again (calls made with `attempt` > 0 over the transport count themselves). */
  retried(kind: string): void {
    this.#retries.inc({ kind });
  }

  /**
   * Count a manager's changes as they happen (a counter bump each, no batch made for it); the
   * counters take them at the next scrape. The returned function stops.
   */
  watch(events: ManagerEvents): () => void {
    const seen = this.#seen;
    return events.watch({
      drop: (_sid, d, prev) => {
        if (d.status !== prev) seen.drops[d.status] = (seen.drops[d.status] ?? 0) + 1;
      },
      session: () => void seen.session++,
      log: () => void seen.log++,
    });
  }

  /** Changes seen since the last scrape, into the counters. */
  #flushSeen(): void {
    const seen = this.#seen;
    seen.drops.forEach((n, i) => {
      if (n) this.#dropChanges.inc({ state: dropStateName(i) }, n);
      if (n) this.#events.inc({ event: "drop" }, n);
    });
    seen.drops = [];
    if (seen.session) this.#events.inc({ event: "session" }, seen.session);
    if (seen.log) this.#events.inc({ event: "log" }, seen.log);
    seen.session = 0;
    seen.log = 0;
  }

  /** The exposition text. */
  text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  #gauges(): void {
    const registers = [this.registry];
    const src = () => this.#sources;
    new Gauge({
      name: "dlg_sessions",
      help: "Sessions by state",
      labelNames: ["state"],
      registers,
      async collect() {
        this.reset();
        const by = await src().sessions?.() ?? {};
        for (const [state, n] of Object.entries(by)) this.set({ state }, n);
      },
    });
    new Gauge({
      name: "dlg_drops",
      help: "Drops by state (at a node)",
      labelNames: ["state"],
      registers,
      collect() {
        this.reset();
        for (const [state, n] of Object.entries(src().drops?.() ?? {})) this.set({ state }, n);
      },
    });
    new Gauge({
      name: "dlg_pool",
      help: "Pool use: size, workers started, busy, queued jobs",
      labelNames: ["pool", "what"],
      registers,
      collect() {
        this.reset();
        for (const [pool, read] of Object.entries(src().pools ?? {})) {
          for (const [what, n] of Object.entries(read())) this.set({ pool, what }, n);
        }
      },
    });
    new Gauge({
      name: "dlg_child_up",
      help: "1 while a child answers its health checks, 0 while it is down",
      labelNames: ["child"],
      registers,
      collect() {
        this.reset();
        for (const c of src().children?.() ?? []) this.set({ child: c.name }, c.down ? 0 : 1);
      },
    });
  }
}
