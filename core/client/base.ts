/**
 * A fetch-based client for DALiuGE's REST API. Server errors come back as `DlgClientError`
 * carrying DALiuGE's `type` and `args`; every call has a timeout.
 */

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

/** DALiuGE's exception class names, as servers send them in `type`. */
export type DlgErrorType =
  | "DaliugeException"
  | "InvalidDropException"
  | "InvalidRelationshipException"
  | "InvalidGraphException"
  | "NoDropException"
  | "NoSessionException"
  | "SessionAlreadyExistsException"
  | "InvalidSessionState"
  | "SubManagerException"
  | "ErrorManagerCaughtException"
  | "RestClientException"
  | "NotImplementedError";

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

export interface ClientOptions {
  /** Milliseconds per call (default 30 s). */
  timeoutMs?: number;
  /** Extra headers on every call (e.g. Authorization). */
  headers?: Record<string, string>;
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
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** `host[:port[:events[:rpc]]]` or a URL -> a base URL (`http://host:port`). */
export function baseUrl(target: string, defaultPort: number): string {
  if (/^https?:\/\//.test(target)) return target.replace(/\/+$/, "");
  const [host, port] = target.split(":");
  return `http://${host || "localhost"}:${Number(port) || defaultPort}`;
}

export class RestClient {
  readonly url: string;
  readonly #opts: ClientOptions;

  constructor(url: string, opts: ClientOptions = {}) {
    this.url = url.replace(/\/+$/, "");
    this.#opts = opts;
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

  /** The raw response (for streams); network failures become RestClientException. */
  async raw(method: string, path: string, o: RequestOptions = {}): Promise<Response> {
    const timeout = o.timeoutMs ?? this.#opts.timeoutMs ?? 30_000;
    // 0: no timeout (streams that last as long as a session).
    const signals = timeout > 0 ? [AbortSignal.timeout(timeout)] : [];
    if (o.signal) signals.push(o.signal);
    const headers: Record<string, string> = { ...this.#opts.headers, ...o.headers };
    let body = o.body;
    if (o.json !== undefined) {
      body = JSON.stringify(o.json);
      headers["content-type"] ??= "application/json";
    }
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers,
        body,
        signal: AbortSignal.any(signals),
      });
    } catch (e) {
      const why = (e as Error).name === "TimeoutError"
        ? `no answer within ${timeout} ms`
        : (e as Error).message;
      throw new DlgClientError(0, "RestClientException", [
        `Cannot reach ${this.url} (${method} ${path}): ${why}`,
      ]);
    }
  }
}
