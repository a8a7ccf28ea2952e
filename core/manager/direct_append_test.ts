import assert from "node:assert/strict";
import { parseNode } from "../wire/mod.ts";
import { Child } from "./children.ts";
import { byNode, nodeKeys } from "./direct_append.ts";
import type { Owned, Split } from "./partition.ts";

Deno.test("byNode places each island's OIDs by node, with the UIDs that differ (any OID, __proto__ too)", async () => {
  const island = new Child(parseNode("127.0.0.1:1"));
  const [n1, n2] = ["127.0.0.1:11", "127.0.0.1:12"];
  const owners = new Map<string, Owned>([
    ["a", { uid: undefined, part: 0, node: n1 }],
    ["__proto__", { uid: "U", part: 0, node: n1 }],
    ["b", { uid: "B", part: 0, node: n2 }],
  ]);
  const split: Split = {
    parts: [[...owners.keys()].map((oid) => ({ oid }))],
    owners,
    rels: [],
    removed: [],
    waiting: new Map(),
    resolved: [],
    edges: [],
  };
  const r = await byNode(split, [island], () => Promise.resolve(new Set([n1, n2])), nodeKeys());
  const p = r.placed.get(island)!;
  assert.deepEqual(p.nodes, { [n1]: ["a", "__proto__"], [n2]: ["b"] });
  assert.equal(Object.getPrototypeOf(p.uids), null);
  assert.deepEqual(Object.entries(p.uids!), [["__proto__", "U"], ["b", "B"]]);
  assert.deepEqual(r.nodes.map((n) => [n.node, n.specs.length]), [[n1, 2], [n2, 1]]);
});
