import assert from "node:assert/strict";
import type { AppImpl } from "./app_drop.ts";
import { AppDrop } from "./app_drop.ts";
import { DataDrop } from "./data_drop.ts";
import type { Drop, DropHost } from "./drop.ts";
import { MemoryStore } from "./store.ts";

function host() {
  const changes: [string, number][] = [];
  const ready: AppDrop[] = [];
  const h: DropHost & { changes: typeof changes; ready_: AppDrop[] } = {
    sessionId: "s",
    dir: "/tmp",
    root: "/tmp",
    changes,
    ready_: ready,
    changed(d: Drop) {
      changes.push([d.oid, d.status]);
    },
    ready(a: AppDrop) {
      ready.push(a);
    },
  };
  return h;
}

const noop: AppImpl = { run() {} };

function wire(h: DropHost, nInputs: number) {
  const app = new AppDrop("app", "app", h, noop, {});
  const inputs = Array.from({ length: nInputs }, (_, i) => {
    const d = new DataDrop(`in${i}`, `in${i}`, h, new MemoryStore());
    d.consumers = [app];
    return d;
  });
  const out = new DataDrop("out", "out", h, new MemoryStore());
  out.nProducers = 1;
  app.inputs = inputs;
  app.outputs = [out];
  return { app, inputs, out };
}

Deno.test("an app is ready once all its inputs complete, then completes its outputs", () => {
  const h = host();
  const { app, inputs, out } = wire(h, 2);
  inputs[0]!.setCompleted();
  assert.equal(h.ready_.length, 0);
  inputs[1]!.setCompleted();
  assert.deepEqual(h.ready_, [app]);
  app.execute();
  assert.equal(app.status, 2);
  assert.equal(app.execStatus, 2);
  assert.equal(out.status, 2);
});

Deno.test("one failed input fails the app without running it, and its outputs", () => {
  const h = host();
  const { app, inputs, out } = wire(h, 2);
  inputs[0]!.setError("bad");
  inputs[1]!.setCompleted();
  assert.equal(h.ready_.length, 0);
  assert.equal(app.status, 3);
  assert.equal(app.execStatus, 3);
  assert.equal(out.status, 3);
});

Deno.test("a skipped input skips the app and its outputs, and the skip spreads", () => {
  const h = host();
  const { app, inputs, out } = wire(h, 1);
  const next = new AppDrop("next", "next", h, noop, {});
  out.consumers = [next];
  next.inputs = [out];
  inputs[0]!.skipAndNotify();
  assert.equal(app.status, 7);
  assert.equal(app.execStatus, 5);
  assert.equal(out.status, 7);
  assert.equal(next.status, 7);
});

Deno.test("block_skip runs an app unless every input is skipped", () => {
  const h = host();
  const { app, inputs } = wire(h, 2);
  app.blockSkip = true;
  inputs[0]!.skipAndNotify();
  inputs[1]!.setCompleted();
  assert.deepEqual(h.ready_, [app]);
});

Deno.test("n_effective_inputs runs an app after that many inputs; late ones are ignored", () => {
  const h = host();
  const { app, inputs } = wire(h, 3);
  app.nEffectiveInputs = 2;
  inputs[0]!.setCompleted();
  inputs[1]!.setCompleted();
  assert.deepEqual(h.ready_, [app]);
  inputs[2]!.setCompleted();
  assert.equal(h.ready_.length, 1);
});

Deno.test("a data Drop rejects writes after completion and completes at expectedSize", () => {
  const h = host();
  const d = new DataDrop("d", "d", h, new MemoryStore(4));
  d.expectedSize = 4;
  d.write(new Uint8Array([1, 2]));
  assert.equal(d.status, 1);
  d.write(new Uint8Array([3, 4]));
  assert.equal(d.status, 2);
  assert.throws(() => d.write(new Uint8Array([5])), /not writable/);
  assert.deepEqual([...d.store.bytes()], [1, 2, 3, 4]);
});

Deno.test("MemoryStore keeps growing data in one SharedArrayBuffer", () => {
  const s = new MemoryStore();
  const chunk = new Uint8Array(100_000).fill(7);
  for (let i = 0; i < 5; i++) s.write(chunk);
  assert.equal(s.size, 500_000);
  assert.ok(s.buffer instanceof SharedArrayBuffer);
  assert.equal(s.bytes()[499_999], 7);
  s.release();
  assert.equal(s.size, 0);
});

Deno.test("cancel moves a waiting app to CANCELLED without telling its outputs", () => {
  const h = host();
  const { app, out } = wire(h, 1);
  app.cancel();
  assert.equal(app.status, 6);
  assert.equal(app.execStatus, 4);
  assert.equal(out.status, 0);
});
