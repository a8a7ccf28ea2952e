import assert from "node:assert/strict";
import * as v from "valibot";
import {
  fitsSubscriptions,
  fitsWireEvents,
  LinkTypes,
  SubscriptionsBody,
  WireEventList,
} from "./mod.ts";

/** A fast check may say no to what valibot passes, never yes to what it refuses or changes. */
function agrees(fits: (x: unknown) => boolean, schema: v.GenericSchema, x: unknown): boolean {
  const r = v.safeParse(schema, x);
  if (fits(x)) {
    assert.ok(r.success, `fits but valibot refuses ${JSON.stringify(x)}`);
    assert.deepEqual(r.output, x, `fits but valibot changes ${JSON.stringify(x)}`);
    return true;
  }
  return false;
}

Deno.test("fitsSubscriptions passes what SubscriptionsBody passes as it is, nothing it refuses", () => {
  const good = { "n1:8000": [["a", LinkTypes.CONSUMER, "b"], ["c", LinkTypes.OUTPUT, "d"]] };
  assert.ok(agrees(fitsSubscriptions, SubscriptionsBody, good));
  assert.ok(agrees(fitsSubscriptions, SubscriptionsBody, {}));
  const bad: unknown[] = [
    null,
    [],
    [["a", 0, "b"]],
    { n: "x" },
    { n: [["a", 0]] },
    { n: [["a", 0, "b", "extra"]] },
    { n: [["a", 1.5, "b"]] },
    { n: [["a", -1, "b"]] },
    { n: [["a", LinkTypes.OUTPUT + 1, "b"]] },
    { n: [["a", "0", "b"]] },
    { n: [[1, 0, "b"]] },
    JSON.parse('{"__proto__": [["a", 0, "b"]]}'),
  ];
  for (const x of bad) assert.equal(agrees(fitsSubscriptions, SubscriptionsBody, x), false);
});

Deno.test("fitsWireEvents passes what WireEventList passes as it is, nothing it refuses", () => {
  const good = [
    { type: "dropCompleted", uid: "a", status: 2, size: 3, data: "AAAA" },
    { type: "producerFinished", uid: "p", to: "d", status: 3, error: "why" },
  ];
  assert.ok(agrees(fitsWireEvents, WireEventList, good));
  assert.ok(agrees(fitsWireEvents, WireEventList, []));
  const bad: unknown[] = [
    {},
    [null],
    [[]],
    [{ type: "other", uid: "a", status: 2 }],
    [{ type: "dropCompleted", status: 2 }],
    [{ type: "dropCompleted", uid: "a", status: 2.5 }],
    [{ type: "dropCompleted", uid: "a", status: "2" }],
    [{ type: "dropCompleted", uid: "a", status: 2, size: "3" }],
    [{ type: "dropCompleted", uid: "a", status: 2, to: 1 }],
    [{ type: "dropCompleted", uid: "a", status: 2, extra: 1 }],
    [JSON.parse('{"type": "dropCompleted", "uid": "a", "status": 2, "__proto__": {"x": 1}}')],
  ];
  for (const x of bad) assert.equal(agrees(fitsWireEvents, WireEventList, x), false);
});
