import assert from "node:assert/strict";
import { MemoryStore } from "../drops/mod.ts";
import { dropBytesPath } from "../wire/mod.ts";
import { fetchDrop, pushDrop, readLent, SIZE_HEADER, storeStream } from "./data_stream.ts";

const pattern = (n: number) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + 7) & 255);

async function collect(s: ReadableStream<Uint8Array>): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  for await (const c of s) out.push(c);
  return out;
}

Deno.test("storeStream serves memory as views of the store's own buffer, then onEnd", async () => {
  const data = pattern(3 * 1024 * 1024 + 5);
  const store = new MemoryStore(0, data);
  let ended = 0;
  const chunks = await collect(await storeStream(store, () => ended++));
  assert.equal(ended, 1);
  assert.ok(chunks.every((c) => c.buffer === store.buffer), "no copies");
  const joined = new Uint8Array(await new Blob(chunks.map((c) => c.slice())).arrayBuffer());
  assert.deepEqual(joined, data);
});

Deno.test("readLent: a byte stream is read into one reused buffer; the bytes are all there", async () => {
  const data = pattern(300_000);
  const body = new Blob([data]).stream();
  const got = new MemoryStore();
  const sizes = new Set<number>();
  const n = await readLent(body, (c) => {
    sizes.add(c.buffer.byteLength);
    got.write(c);
  });
  assert.equal(n, data.length);
  assert.deepEqual(got.bytes().slice(), data);
  // BYOB reads fill one 1 MiB buffer (moved, not copied, from read to read).
  assert.deepEqual([...sizes], [1024 * 1024]);
});

Deno.test("readLent: a plain stream gives its own chunks", async () => {
  const parts = [pattern(10), pattern(20)];
  const body = ReadableStream.from(parts);
  const seen: Uint8Array[] = [];
  assert.equal(await readLent(body, (c) => seen.push(c)), 30);
  assert.deepEqual(seen, parts);
});

Deno.test("readLent: an error in write cancels the body and is thrown", async () => {
  let cancelled: unknown;
  const body = new ReadableStream<Uint8Array>({
    type: "bytes",
    pull(c) {
      c.enqueue(pattern(100));
    },
    cancel(why) {
      cancelled = why;
    },
  });
  const boom = new Error("too much");
  await assert.rejects(
    readLent(body, () => {
      throw boom;
    }),
    boom,
  );
  assert.equal(cancelled, boom);
});

Deno.test("fetchDrop into a store: sized once from Content-Length; a signal aborts it", async () => {
  const data = pattern(5 * 1024 * 1024 + 3);
  const source = new MemoryStore(0, data);
  const path = dropBytesPath("s", "A");
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    if (new URL(req.url).pathname !== path) return new Response("no", { status: 404 });
    return new Response(await storeStream(source), {
      headers: { "content-length": String(data.length) },
    });
  });
  const peer = `http://127.0.0.1:${server.addr.port}`;
  try {
    const into = new MemoryStore();
    assert.equal(await fetchDrop(peer, { sessionId: "s", uid: "A" }, into), data.length);
    assert.equal(into.buffer!.growable, false);
    assert.equal(into.buffer!.byteLength, data.length);
    assert.deepEqual(into.bytes().slice(), data);

    const ac = new AbortController();
    const slow = fetchDrop(peer, { sessionId: "s", uid: "A" }, () => ac.abort(), {
      signal: ac.signal,
    });
    await assert.rejects(slow);
    await assert.rejects(
      fetchDrop(peer, { sessionId: "s", uid: "B" }, () => {}),
      /reading B from .*HTTP 404/,
    );
  } finally {
    await server.shutdown();
  }
});

Deno.test("pushDrop streams a memory Drop and says its size up front", async () => {
  const data = pattern(2 * 1024 * 1024 + 1);
  let said: string | null = null;
  let got = new Uint8Array(0);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    said = req.headers.get(SIZE_HEADER);
    got = new Uint8Array(await req.arrayBuffer());
    return Response.json({});
  });
  try {
    const peer = `http://127.0.0.1:${server.addr.port}`;
    await pushDrop(peer, { sessionId: "s", uid: "A" }, new MemoryStore(0, data));
    assert.equal(said, String(data.length));
    assert.deepEqual(got, data);
  } finally {
    await server.shutdown();
  }
});
