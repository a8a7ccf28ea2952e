/**
 * DESIGN §4 / §8: while a maximal append (a 10 MB gzip body) is ingested by one dlg-node,
 * `GET .../status` is still answered within 200 ms. Specs carry a random note so that 10 MB of
 * gzip stays under the default inflated limit (16 x 10 MB).
 */
import { startNode } from "../_util/procs.ts";
import { atMost, type Row } from "./_report.ts";

const MB = 1024 * 1024;

/** Random specs whose zlib body is about `gzipBytes` long. */
async function body(gzipBytes: number): Promise<{ bytes: Uint8Array<ArrayBuffer>; n: number }> {
  const hex = () => crypto.getRandomValues(new Uint8Array(24)).toHex();
  const sample = (n: number) =>
    `[${
      Array.from({ length: n }, (_, i) =>
        `{"oid":"d${i}","categoryType":"Data","dropclass":"dlg.data.drops.memory.InMemoryDROP","note":"${hex()}"}`)
        .join(",")
    }]`;
  const zip = async (text: string) =>
    new Uint8Array(
      await new Response(new Blob([text]).stream().pipeThrough(new CompressionStream("deflate")))
        .arrayBuffer(),
    );
  const probe = (await zip(sample(10_000))).length;
  const n = Math.floor(10_000 * gzipBytes / probe * 0.97);
  return { bytes: await zip(sample(n)), n };
}

export async function ingestLatency(gzipBytes = 10 * MB): Promise<Row[]> {
  const { bytes, n } = await body(gzipBytes);
  const node = await startNode(["--dlm-check-period", "0"]);
  try {
    const post = (path: string, b: BodyInit, headers: Record<string, string>) =>
      fetch(`${node.url}${path}`, { method: "POST", body: b, headers });
    await (await post("/api/sessions", '{"sessionId":"big"}', {})).arrayBuffer();
    let done = false;
    const t0 = performance.now();
    const append = post("/api/sessions/big/graph/append", bytes, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    }).then(async (r) => {
      await r.arrayBuffer();
      if (!r.ok) throw new Error(`append: HTTP ${r.status}`);
    }).finally(() => done = true);
    const lat: number[] = [];
    while (!done) {
      const t = performance.now();
      const r = await fetch(`${node.url}/api/sessions/big/status`);
      await r.arrayBuffer();
      lat.push(performance.now() - t);
      await new Promise((res) => setTimeout(res, 10));
    }
    await append;
    const ingestMs = performance.now() - t0;
    lat.sort((a, b) => a - b);
    const p99 = lat[Math.floor(lat.length * 0.99)] ?? NaN;
    const max = lat[lat.length - 1] ?? NaN;
    const row = atMost("GET status while a 10 MB gzip append is ingested: max", max, "ms", 200);
    row.detail = {
      p99ms: Math.round(p99),
      polls: lat.length,
      drops: n,
      ingestMs: Math.round(ingestMs),
      gzipBytes: bytes.length,
    };
    return [row];
  } finally {
    await node.stop();
  }
}
