import assert from "node:assert/strict";
import { DataDrop } from "./data_drop.ts";
import type { DropHost } from "./drop.ts";
import { DropStates } from "./states.ts";
import { FileStore, MemoryStore } from "./store.ts";

const host: DropHost = { sessionId: "s", dir: "/tmp", root: "/tmp", changed() {}, ready() {} };

Deno.test("DataDrop told SKIPPED by its producer is SKIPPED and tells its consumers so", () => {
  const d = new DataDrop("d", "d", host, new MemoryStore());
  d.nProducers = 1;
  const seen: number[] = [];
  d.consumers = [{ uid: "c", dropCompleted: (_d, s) => seen.push(s) }];
  d.producerFinished(DropStates.SKIPPED);
  assert.equal(d.status, DropStates.SKIPPED);
  assert.deepEqual(seen, [DropStates.SKIPPED]);
});

Deno.test("FileDROP completed without any write becomes an empty file, as in DALiuGE", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const d = new DataDrop("f", "f", host, new FileStore(`${dir}/f`));
    d.nProducers = 1;
    d.producerFinished(DropStates.COMPLETED);
    assert.equal(d.status, DropStates.COMPLETED);
    assert.equal(Deno.readFileSync(`${dir}/f`).length, 0);
    const bad = new DataDrop("g", "g", host, new FileStore(`${dir}/no/such/dir/g`));
    bad.setCompleted();
    assert.equal(bad.status, DropStates.ERROR);
    assert.match(bad.error ?? "", /cannot complete the data/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
