/**
 * A Drop's bytes over HTTP: served as a stream (`GET .../drops/<uid>/data`), read into a local
 * store chunk by chunk, and pushed to the node that holds an output (`POST`).
 */
import { RestClient, type Transport } from "../client/mod.ts";
import type { DataStore } from "../drops/mod.ts";
import { dropBytesPath } from "../wire/mod.ts";

/** Memory is sent in copies of this size (a SharedArrayBuffer view cannot be a body chunk). */
const CHUNK = 1024 * 1024;

/**
 * The bytes of `store` as a stream: files straight from disk, memory in 1 MiB copies.
 * `onEnd` runs once the last byte has been handed over.
 */
export async function storeStream(
  store: DataStore,
  onEnd?: () => void,
): Promise<ReadableStream<Uint8Array>> {
  if (store.path) {
    const f = await Deno.open(store.path, { read: true });
    if (!onEnd) return f.readable;
    return f.readable.pipeThrough(new TransformStream({ flush: onEnd }));
  }
  const bytes = store.bytes();
  let off = 0;
  return new ReadableStream<Uint8Array>({
    pull(ctrl) {
      if (off >= bytes.length) {
        ctrl.close();
        onEnd?.();
        return;
      }
      const end = Math.min(bytes.length, off + CHUNK);
      ctrl.enqueue(bytes.slice(off, end));
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

/** Stream a remote Drop's bytes into `write`; throws on HTTP errors. */
export async function fetchDrop(
  peer: string,
  ids: { sessionId: string; uid: string },
  write: (chunk: Uint8Array) => void,
  o: StreamOptions = {},
): Promise<number> {
  const { client, path } = dataCall(peer, ids, o);
  const r = await client.raw("GET", path, { signal: o.signal });
  if (!r.ok || !r.body) {
    const text = await r.text();
    throw new Error(`reading ${ids.uid} from ${peer}: HTTP ${r.status} ${text.slice(0, 200)}`);
  }
  let n = 0;
  for await (const chunk of r.body) {
    write(chunk);
    n += chunk.length;
  }
  return n;
}

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
    headers: { "content-type": "application/octet-stream" },
    signal: o.signal,
  });
  const text = await r.text();
  if (!r.ok) {
    throw new Error(`writing ${ids.uid} to ${peer}: HTTP ${r.status} ${text.slice(0, 200)}`);
  }
}
