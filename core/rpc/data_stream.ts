/**
 * A Drop's bytes over HTTP: served as a stream (`GET .../drops/<uid>/data`), read into a local
 * store chunk by chunk, and pushed to the node that holds an output (`POST`).
 */
import type { DataStore } from "../drops/store.ts";
import { dataUrl } from "./wire.ts";

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

/** Stream a remote Drop's bytes into `write`; throws on HTTP errors. */
export async function fetchDrop(
  peer: string,
  ids: { sessionId: string; uid: string },
  write: (chunk: Uint8Array) => void,
  signal?: AbortSignal,
): Promise<number> {
  const r = await fetch(dataUrl(peer, ids.sessionId, ids.uid), { signal });
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
  signal?: AbortSignal,
): Promise<void> {
  const r = await fetch(dataUrl(peer, ids.sessionId, ids.uid), {
    method: "POST",
    body: await storeStream(store),
    headers: { "content-type": "application/octet-stream" },
    signal,
  });
  const text = await r.text();
  if (!r.ok) {
    throw new Error(`writing ${ids.uid} to ${peer}: HTTP ${r.status} ${text.slice(0, 200)}`);
  }
}
