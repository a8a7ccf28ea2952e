import assert from "node:assert/strict";
import { FrameReader } from "./frames.ts";
import { frameHeader } from "./protocol.ts";

/** Two frames (the second with two payloads) cut into `cuts`-sized chunks. */
function chunked(cuts: number[]): Uint8Array[] {
  const p1 = new TextEncoder().encode("hello");
  const p2 = new Uint8Array(100_000).map((_, i) => i % 251);
  const parts = [
    frameHeader({ type: "done", id: 1 }, []),
    frameHeader({ type: "done", id: 2 }, [p1.length, p2.length]),
    p1,
    p2,
  ];
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const out: Uint8Array[] = [];
  for (let i = 0, k = 0; i < all.length; k++) {
    const n = cuts[k % cuts.length]!;
    out.push(all.slice(i, i + n));
    i += n;
  }
  return out;
}

function byteStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  let k = 0;
  return new ReadableStream({
    type: "bytes",
    pull(ctl) {
      const c = chunks[k++];
      if (c) return ctl.enqueue(c);
      ctl.close();
      ctl.byobRequest?.respond(0); // a pending BYOB read ends too (as Deno's own streams do)
    },
  });
}

function plainStream(chunks: Uint8Array[]): ReadableStream<Uint8Array> {
  return ReadableStream.from(chunks);
}

for (const [kind, make] of [["byte", byteStream], ["plain", plainStream]] as const) {
  for (const cuts of [[1_000_000], [3], [7, 70_000, 1], [30, 64 * 1024 + 5]]) {
    Deno.test(`FrameReader reads frames from a ${kind} stream cut at ${cuts}`, async () => {
      const r = new FrameReader(make(chunked(cuts)), "/nowhere");
      const a = await r.next();
      assert.deepEqual(a?.head, { type: "done", id: 1, sizes: [] });
      const b = await r.next();
      assert.equal((b?.head as { id: number }).id, 2);
      assert.equal(new TextDecoder().decode(b!.payloads[0]), "hello");
      assert.equal(b!.payloads[1]!.length, 100_000);
      assert.ok(b!.payloads[1]!.every((x, i) => x === i % 251));
      assert.equal(await r.next(), null);
    });
  }
}

Deno.test("FrameReader says where a stream ends inside a frame", async () => {
  const cut = chunked([1_000_000])[0]!.slice(0, 40);
  const r = new FrameReader(byteStream([cut]), "/nowhere");
  await r.next();
  await assert.rejects(() => r.next(), /ended inside a frame/);
});
