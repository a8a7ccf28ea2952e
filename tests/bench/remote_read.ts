/**
 * Remote read of a memory Drop across nodes (loopback): a dlg-node holds a 256 MiB memory Drop;
 * it is streamed over HTTP into a local memory store, the way a proxy input reads it.
 */
import { NodeManagerClient } from "../../core/client/mod.ts";
import { MemoryStore } from "../../core/drops/store.ts";
import { fetchDrop } from "../../core/rpc/data_stream.ts";
import { waitFor } from "../../core/testing/mod.ts";
import { startNode } from "../_util/procs.ts";
import { atLeast, type Row } from "./_report.ts";

export async function remoteRead(mib = 256, rounds = 3): Promise<Row[]> {
  const node = await startNode(["--dlm-check-period", "0"]);
  try {
    const c = new NodeManagerClient(node.url, { timeoutMs: 60_000 });
    await c.createSession("rr");
    await c.appendGraph("rr", [
      {
        oid: "gen",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: `head -c ${mib * 1024 * 1024} /dev/zero > %o0`,
        outputs: ["A"],
      },
      { oid: "A", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
    ]);
    await c.deploySession("rr", ["gen"]);
    await waitFor(async () => (await c.sessionStatus("rr")) === 4, {
      timeout: 60_000,
      interval: 50,
    });
    let best = 0;
    for (let i = 0; i < rounds; i++) {
      const store = new MemoryStore(mib * 1024 * 1024);
      const t0 = performance.now();
      const n = await fetchDrop(node.url, { sessionId: "rr", uid: "A" }, (b) => store.write(b));
      const secs = (performance.now() - t0) / 1000;
      if (n !== mib * 1024 * 1024) throw new Error(`read ${n} bytes, expected ${mib} MiB`);
      best = Math.max(best, n / 1e9 / secs);
    }
    return [
      atLeast(`remote read of a ${mib} MiB memory Drop across nodes (loopback)`, best, "GB/s", 1),
    ];
  } finally {
    await node.stop();
  }
}

if (import.meta.main) console.table(await remoteRead());
