import assert from "node:assert/strict";
import { readSnapshot, SLICED_READ_AT } from "./child_snapshot.ts";
import type { DropState } from "../session/mod.ts";

async function read(text: string) {
  const states = new Map<string, DropState>();
  const head = await readSnapshot(text, (oid, d) => states.set(oid, d));
  return { head, states };
}

Deno.test("readSnapshot: a big snapshot read Drop by Drop gives what JSON.parse gives", async () => {
  const drops: Record<string, DropState> = {};
  for (let i = 0; i < 40_000; i++) {
    drops[i % 3 ? `d${i}` : `é"\\${i}`] = i % 2 ? { status: 2, execStatus: 1 } : { status: 4 };
  }
  const snapshot = { status: 3, error: 'a "quoted" error', drops, lost: null };
  const text = JSON.stringify(snapshot);
  assert.ok(text.length >= SLICED_READ_AT, "big enough to be read in slices");
  const { head, states } = await read(text);
  assert.deepEqual(head, { status: 3, error: 'a "quoted" error', lost: null });
  assert.deepEqual(Object.fromEntries(states), drops);
  // In order, as the child listed them.
  assert.deepEqual([...states.keys()], Object.keys(drops));
});

Deno.test("readSnapshot: a small snapshot, and one without drops", async () => {
  const small = await read('{"status":2,"drops":{"a":{"status":1}}}');
  assert.deepEqual(small.head, { status: 2 });
  assert.deepEqual(Object.fromEntries(small.states), { a: { status: 1 } });
  const none = await read('{"status":5,"error":"x"}');
  assert.deepEqual(none.head, { status: 5, error: "x" });
  assert.equal(none.states.size, 0);
});

Deno.test("readSnapshot: a big text that is not an object throws SyntaxError", async () => {
  const bad = `{"status":2,"drops":{"a":{"status":1}` + " ".repeat(SLICED_READ_AT);
  await assert.rejects(() => read(bad), SyntaxError);
});
