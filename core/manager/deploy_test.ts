import assert from "node:assert/strict";
import { subscriptionParts } from "./deploy.ts";

Deno.test("subscriptions go to a node in parts of at most max relations, all of them once", () => {
  const subs = {
    a: Array.from({ length: 7 }, (_, i) => `a${i}`),
    b: [] as string[],
    c: Array.from({ length: 3 }, (_, i) => `c${i}`),
  };
  const parts = subscriptionParts(subs, 4);
  assert.ok(parts.every((p) => Object.values(p).flat().length <= 4));
  const joined: Record<string, string[]> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p)) (joined[k] ??= []).push(...v);
  assert.deepEqual(joined, subs);
  assert.equal(parts.length, 3);
  assert.deepEqual(subscriptionParts({}), [{}]);
  assert.deepEqual(subscriptionParts({ a: ["x"] }), [{ a: ["x"] }]);
});
