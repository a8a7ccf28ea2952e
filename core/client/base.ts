/**
 * A fetch-based client for DALiuGE's REST API. Server errors come back as `DlgClientError`
 * carrying DALiuGE's `type` and `args`; every call has a timeout. `RestClient` is the one place
 * that calls `fetch` for tier-to-tier traffic: its `Transport` adds auth headers and TLS.
 */
import type { DlgErrorType } from "../wire/mod.ts";

/** DALiuGE's `args` as one readable line (SubManagerException's per-child map included). */
export function describeArgs(args: unknown): string {
  if (Array.isArray(args)) {
    return args.map((a) => typeof a === "string" ? a : describeArgs(a)).join("; ");
  }
  if (args && typeof args === "object") {
    const o = args as Record<string, unknown>;
    if (typeof o.type === "string") return `${o.type}: ${describeArgs(o.args)}`;
    return Object.entries(o).map(([k, val]) => `${k}: ${describeArgs(val)}`).join("; ");
  }
  return args === undefined ? "" : typeof args === "string" ? args : JSON.stringify(args);
}

export class DlgClientError extends Error {
  /** `true` when `e` is a DlgClientError of DALiuGE exception `type`. */
  static is(e: unknown, type: DlgErrorType): e is DlgClientError {
    return e instanceof DlgClientError && e.type === type;
  }

  /** HTTP status (0 when the manager could not be reached). */
  readonly status: number;
  /** DALiuGE's exception class name, e.g. `NoSessionException`. */
  readonly type: string;
  readonly args: unknown;
  constructor(status: number, type: string, args: unknown, message?: string) {
    const detail = describeArgs(args);
    super(message ?? (detail ? `${type}: ${detail}` : type));
    this.name = "DlgClientError";
    this.status = status;
    this.type = type;
    this.args = args;
  }
}

/**
 * How a process reaches other tiers, shared by every client it makes: the one place where an
 * Authorization header and a CA-aware `Deno.HttpClient` plug in.
 */
export interface Transport {
  /** Headers on every call (e.g. `Authorization: Bearer <token>`). */
  headers?: Record<string, string>;
  /** The HTTP client calls go through (e.g. `Deno.createHttpClient({ caCerts })`). */
  httpClient?: Deno.HttpClient;
  /** Told of every call once it answered (status 0: it could not reach): a tier's metrics. */
  observe?: (call: CallInfo) => void;
}

/** One outbound call, for `Transport.observe`; bytes only where they are known up front. */
export interface CallInfo {
  method: string;
  path: string;
  status: number;
  ms: number;
  bytesOut?: number;
  bytesIn?: number;
  /** 0 for a first try, n for the n-th retry of the same call. */
  attempt?: number;
}

function sizeOf(body: BodyInit | undefined): number | undefined {
  if (typeof body === "string") return body.length;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return body.byteLength;
  return undefined;
}

/** What a process needs to reach a cluster with a token and TLS. */
export interface TrustOptions {
  /** The cluster's token, sent as `Authorization: Bearer <token>`. */
  token?: string;
  /** PEM certificates of private CAs to trust besides the system's (TLS with `https://`). */
  caCerts?: string[];
  /** A PEM file of such certificates (read once, when the client or transport is made). */
  caFile?: string;
}

/**
 * A transport carrying `token` and trusting `caCerts`. With `caCerts` it holds a
 * `Deno.HttpClient`: `close()` it when the process is done with it.
 */
export function createTransport(o: TrustOptions): Transport & { close(): void } {
  const caCerts = [...o.caCerts ?? [], ...o.caFile ? [Deno.readTextFileSync(o.caFile)] : []];
  const httpClient = caCerts.length ? Deno.createHttpClient({ caCerts }) : undefined;
  return {
    headers: o.token === undefined ? undefined : { authorization: `Bearer ${o.token}` },
    httpClient,
    close: () => httpClient?.close(),
  };
}

export interface ClientOptions extends TrustOptions {
  /** Milliseconds per call (default 30 s; 0: no timeout). */
  timeoutMs?: number;
  /** Extra headers on every call, over the transport's. */
  headers?: Record<string, string>;
  /** How calls travel (shared by a process's clients); `token` and `caCerts` go over it. */
  transport?: Transport;
}

/** A manager's error answer as a `DlgClientError` (DALiuGE's `{"type", "args"}` when it is one). */
export async function responseError(res: Response, call: string): Promise<DlgClientError> {
  const text = await res.text();
  let body: { type?: unknown; args?: unknown } | undefined;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  if (body && typeof body.type === "string") {
    return new DlgClientError(res.status, body.type, body.args);
  }
  return new DlgClientError(res.status, "RestClientException", [
    `${call}: HTTP ${res.status} ${text.slice(0, 200)}`,
  ]);
}

export interface RequestOptions {
  body?: BodyInit;
  json?: unknown;
  headers?: Record<string, string>;
  /** Milliseconds for this call (0: no timeout, e.g. for a Drop's bytes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The n-th retry of this call (0 or absent: the first try), for the transport's observer. */
  attempt?: number;
}

export class RestClient {
  readonly url: string;
  readonly #opts: ClientOptions;
  /** The HttpClient made for `caCerts` (this client's own: closed by `close()`). */
  readonly #own: Deno.HttpClient | undefined;

  constructor(url: string, opts: ClientOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    if (opts.token !== undefined || opts.caCerts?.length || opts.caFile) {
      const own = createTransport(opts);
      this.#own = own.httpClient;
      const headers = { ...opts.transport?.headers, ...own.headers };
      const httpClient = own.httpClient ?? opts.transport?.httpClient;
      opts = { ...opts, transport: { headers, httpClient } };
    }
    this.#opts = opts;
  }

  /** Release the HttpClient made for `caCerts`/`caFile` (a shared `transport` is its owner's to close). */
  close(): void {
    this.#own?.close();
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** One call; the parsed JSON on 200, `DlgClientError` otherwise. */
  async request<T = unknown>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const res = await this.raw(method, path, o);
    if (!res.ok) throw await responseError(res, `${method} ${path}`);
    const text = await res.text();
    try {
      return (text ? JSON.parse(text) : undefined) as T;
    } catch {
      throw new DlgClientError(res.status, "RestClientException", [text.slice(0, 200)]);
    }
  }

  /** The answer's bytes, unparsed (a composite joining its children's big answers). */
  async bytes(method: string, path: string, o: RequestOptions = {}): Promise<Uint8Array> {
    const res = await this.raw(method, path, o);
    if (!res.ok) throw await responseError(res, `${method} ${path}`);
    return await res.bytes();
  }

  /** The raw response (for streams); network failures become RestClientException. */
  async raw(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const timeout = o.timeoutMs ?? this.#opts.timeoutMs ?? 30_000;
    // 0: no timeout (streams that last as long as a session, a Drop's bytes).
    const signals = timeout > 0 ? [AbortSignal.timeout(timeout)] : [];
    if (o.signal) signals.push(o.signal);
    const { transport } = this.#opts;
    const headers: Record<string, string> = {
      ...transport?.headers,
      ...this.#opts.headers,
      ...o.headers,
    };
    let body = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers["content-type"] ??= "application/json";
    }
    const t0 = performance.now();
    const observe = transport?.observe;
    try {
      const res = await fetch(`${this.url}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.any(signals),
        client: transport?.httpClient,
      });
      if (observe) {
        const len = res.headers.get("content-length");
        observe({
          method,
          path,
          status: res.status,
          ms: performance.now() - t0,
          bytesOut: sizeOf(body),
          bytesIn: len === null ? undefined : Number(len),
          attempt: o.attempt,
        });
      }
      return res;
    } catch (e) {
      const ms = performance.now() - t0;
      observe?.({ method, path, status: 0, ms, bytesOut: sizeOf(body), attempt: o.attempt });
      const why = (e as Error).name === "TimeoutError"
        ? `no answer within ${timeout} ms`
        : (e as Error).message;
      throw new DlgClientError(0, "RestClientException", [
        `Cannot reach ${this.url} (${method} ${path}): ${why}`,
      ]);
    }
  }
}
