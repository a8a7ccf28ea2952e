/**
 * A Drop's bytes over HTTP: served as a stream (`GET .../drops/<uid>/data`), read into a local
 * store chunk by chunk, and pushed to the node that holds an output (`POST`).
 */
import { RestClient, type Transport } from "../client/mod.ts";
import { type DataStore, FileStore } from "../drops/mod.ts";
import { dropBytesPath } from "../wire/mod.ts";

/**
 * Memory is sent in views of this size, straight from the Drop's buffer: no copy, no fresh
 * memory per chunk (a completed Drop's bytes no longer change, and each view keeps the buffer
 * alive until it has been sent even if the Drop is released meanwhile).
 */
const CHUNK = 1024 * 1024;

/**
 * The bytes of `store` as a stream: files straight from disk, memory as views of its buffer.
 * `onEnd` runs once the last byte has been handed over.
 */
export async function storeStream(
  store: DataStore,
  onEnd?: () => void,
): Promise<ReadableStream<Uint8Array>> {
  if (store.path) {
    // A file Drop's own open: no symlink, and the opened file really under the session's roots.
    const f = store instanceof FileStore
      ? store.open({ read: true })
      : await Deno.open(store.path, { read: true });
    if (!onEnd) return f.readable;
    return f.readable.pipeThrough(new TransformStream({ flush: onEnd }));
  }
  const bytes = store.bytes();
  let off = 0;
  // A plain stream: a byte stream ("bytes") refuses views of a SharedArrayBuffer.
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (off >= bytes.length) {
        ctrl.close();
        onEnd?.();
        return;
      }
      const end = Math.min(bytes.length, off + CHUNK);
      ctrl.enqueue(bytes.subarray(off, end));
      off = end;
    },
  });
}

export interface StreamOptions {
  signal?: AbortSignal;
  transport?: Transport;
}

/** Drop bytes take as long as they take: no timeout, only `signal`. */
function dataCall(peer: string, ids: { sessionId: string; uid: string }, o: StreamOptions) {
  const client = new RestClient(peer, { transport: o.transport, timeoutMs: 0 });
  return { client, path: dropBytesPath(ids.sessionId, ids.uid) };
}

/** Reads of a body go into one reused buffer this large (each returns what has arrived). */
const READ = 1024 * 1024;

/**
 * Every chunk of `body` to `write`, lent: a view of one reused buffer, valid only until `write`
 * returns. A BYOB read fills it, where a plain read would hand over a fresh, zeroed 64 KiB
 * buffer each time (and fresh memory costs page faults). Streams that cannot be read so give
 * their own chunks. Returns the bytes read; an error in `write` cancels the body. For a fetch
 * response's body: a request body that `Deno.serve` gives reads BYOB ~10x slower than plainly
 * (docs/performance.md, "Round 9").
 */
export async function readLent(
  body: ReadableStream<Uint8Array>,
  write: (chunk: Uint8Array) => void,
): Promise<number> {
  let n = 0;
  let reader: ReadableStreamBYOBReader;
  try {
    reader = body.getReader({ mode: "byob" });
  } catch {
    for await (const chunk of body) {
      write(chunk);
      n += chunk.length;
    }
    return n;
  }
  let buf = new Uint8Array(READ);
  try {
    while (true) {
      const { done, value } = await reader.read(buf);
      if (done || !value) break;
      write(value);
      n += value.length;
      buf = new Uint8Array(value.buffer);
    }
  } catch (e) {
    await reader.cancel(e).catch(() => {});
    throw e;
  }
  reader.releaseLock();
  return n;
}

/** Where fetched bytes go: a store (given the Content-Length first) or a function. */
export type DataSink = Pick<DataStore, "write" | "reserve"> | ((chunk: Uint8Array) => void);

/**
 * Stream a remote Drop's bytes into `into`; throws on HTTP errors. Chunks are lent (see
 * `readLent`): a function keeps a copy of what it keeps.
 */
export async function fetchDrop(
  peer: string,
  ids: { sessionId: string; uid: string },
  into: DataSink,
  o: StreamOptions = {},
): Promise<number> {
  const { client, path } = dataCall(peer, ids, o);
  const r = await client.raw("GET", path, { signal: o.signal });
  if (!r.ok || !r.body) {
    const text = await r.text();
    throw new Error(`reading ${ids.uid} from ${peer}: HTTP ${r.status} ${text.slice(0, 200)}`);
  }
  if (typeof into !== "function") into.reserve?.(Number(r.headers.get("content-length")) || 0);
  const write = typeof into === "function" ? into : (chunk: Uint8Array) => into.write(chunk);
  return await readLent(r.body, write);
}

/**
 * The size of a pushed Drop, said up front: Deno's fetch sends a stream body chunked, without
 * Content-Length, and the receiving node sizes its store from this (a hint: the bytes that come
 * are what count).
 */
export const SIZE_HEADER = "x-dlg-size";

/** Send `bytes` to the remote Drop `uid` (an output written here, stored there). */
export async function pushDrop(
  peer: string,
  ids: { sessionId: string; uid: string },
  store: DataStore,
  o: StreamOptions = {},
): Promise<void> {
  const { client, path } = dataCall(peer, ids, o);
  const r = await client.raw("POST", path, {
    body: await storeStream(store),
    headers: { "content-type": "application/octet-stream", [SIZE_HEADER]: String(store.size) },
    signal: o.signal,
  });
  const text = await r.text();
  if (!r.ok) {
    throw new Error(`writing ${ids.uid} to ${peer}: HTTP ${r.status} ${text.slice(0, 200)}`);
  }
}
