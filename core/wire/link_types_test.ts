import assert from "node:assert/strict";
import { edgeOf, LINK_KEYS, LINK_TYPE_OF, linkKeyOf, LinkTypes } from "./mod.ts";

Deno.test("LINK_TYPE_OF and linkKeyOf are inverse over every link list", () => {
  for (const key of LINK_KEYS) assert.equal(linkKeyOf(LINK_TYPE_OF[key]), key);
  assert.deepEqual(
    LINK_KEYS.map((k) => LINK_TYPE_OF[k]),
    [0, 1, 2, 5, 6, 7],
    "DALiuGE's DROPLinkType numbers",
  );
  assert.equal(linkKeyOf(LinkTypes.PARENT), undefined);
  assert.equal(linkKeyOf(LinkTypes.CHILD), undefined);
  assert.equal(linkKeyOf(8), undefined);
});

Deno.test("edgeOf reads 'lhs is <type> of rhs' as a data/app edge", () => {
  const L = LinkTypes;
  assert.deepEqual(edgeOf("app", L.CONSUMER, "data"), {
    kind: "consume",
    data: "data",
    app: "app",
  });
  assert.deepEqual(edgeOf("app", L.STREAMING_CONSUMER, "data")?.kind, "consume");
  assert.deepEqual(edgeOf("data", L.INPUT, "app"), { kind: "consume", data: "data", app: "app" });
  assert.deepEqual(edgeOf("data", L.STREAMING_INPUT, "app")?.app, "app");
  assert.deepEqual(edgeOf("app", L.PRODUCER, "data"), {
    kind: "produce",
    data: "data",
    app: "app",
  });
  assert.deepEqual(edgeOf("data", L.OUTPUT, "app"), { kind: "produce", data: "data", app: "app" });
  assert.equal(edgeOf("a", L.PARENT, "b"), undefined);
  assert.equal(edgeOf("a", L.CHILD, "b"), undefined);
});
