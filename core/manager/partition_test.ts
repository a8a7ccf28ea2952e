import assert from "node:assert/strict";
import { HttpError } from "../errors/mod.ts";
import { type Owned, splitBatch, uidOf, type Waiting } from "./partition.ts";

const parts = { attr: "node" as const, nParts: 2, partOf: (v: string) => ({ n0: 0, n1: 1 })[v] };
const empty = { owners: new Map<string, Owned>(), pending: new Map<string, Waiting[]>() };

Deno.test("splitBatch marks cross-partition string links {oid: ''} and records relations", () => {
  const s = splitBatch(
    [
      { oid: "A", node: "n0", consumers: ["B", "C"] },
      { oid: "B", node: "n0", inputs: ["A"] },
      { oid: "C", node: "n1", inputs: [{ A: "port" }] },
    ],
    parts,
    empty,
  );
  // The plain OID stays in its place (list order matters to gather apps), without a port.
  assert.deepEqual(s.parts[0], [
    { oid: "A", node: "n0", consumers: ["B", { C: "" }] },
    { oid: "B", node: "n0", inputs: ["A"] },
  ]);
  // {oid: port} links stay (the node keeps the port name); the relation is recorded anyway.
  assert.deepEqual(s.parts[1], [{ oid: "C", node: "n1", inputs: [{ A: "port" }] }]);
  assert.deepEqual(s.rels.map((r) => [r.lhs, r.rel, r.rhs, r.lhsNode, r.rhsNode]), [
    ["C", 0, "A", "n1", "n0"],
    ["A", 5, "C", "n0", "n1"],
  ]);
  assert.deepEqual(s.removed, [["A", "consumers", "C"]]);
});

Deno.test("splitBatch rejects a missing or foreign partition and duplicates, naming the Drop", () => {
  const bad: [Record<string, unknown>[], string][] = [
    [[{ oid: "A" }], "Drop A doesn't specify a node attribute"],
    [[{ oid: "A", node: "n9" }], "Drop A's node n9 does not belong to this manager"],
    [[{ node: "n0" }], "Drop #0 has no oid"],
    [[{ oid: "A", node: "n0" }, { oid: "A", node: "n1" }], "Drop A appears twice in the graph"],
  ];
  for (const [items, msg] of bad) {
    assert.throws(() => splitBatch(items, parts, empty), (e: HttpError) => {
      assert.equal(e.status, 400);
      assert.deepEqual(e.args, [msg]);
      return true;
    });
  }
});

Deno.test("splitBatch resolves links to Drops that arrive in a later batch", () => {
  const first = splitBatch([{ oid: "A", node: "n0", consumers: ["B"] }], parts, empty);
  assert.deepEqual(first.parts[0], [{ oid: "A", node: "n0", consumers: ["B"] }]);
  assert.deepEqual([...first.waiting.keys()], ["B"]);
  const second = splitBatch([{ oid: "B", node: "n1" }], parts, {
    owners: first.owners,
    pending: first.waiting,
  });
  assert.deepEqual(second.resolved, ["B"]);
  assert.deepEqual(second.rels.map((r) => [r.lhs, r.rel, r.rhs]), [["B", 0, "A"]]);
});

Deno.test("splitBatch with `apart` cuts links between nodes inside one part (a master's split)", () => {
  const s = splitBatch(
    [
      { oid: "A", island: "i0", node: "h:1", consumers: ["B", "C"] },
      { oid: "B", island: "i0", node: "h:2" },
      { oid: "C", island: "i0", node: "h:1" },
    ],
    {
      attr: "island",
      nParts: 1,
      partOf: (v) => v === "i0" ? 0 : undefined,
      apart: (a, b) => a.node !== b.node,
    },
    empty,
  );
  assert.deepEqual(s.parts[0]![0], {
    oid: "A",
    island: "i0",
    node: "h:1",
    consumers: [{ B: "" }, "C"],
  });
  assert.deepEqual(s.rels.map((r) => [r.lhs, r.rel, r.rhs, r.lhsNode, r.rhsNode]), [
    ["B", 0, "A", "h:2", "h:1"],
  ]);
  assert.deepEqual(s.removed, [["A", "consumers", "B"]]);
});

Deno.test("splitBatch keeps one record per node for Drops whose UID is their OID, and the UIDs that differ", () => {
  const s = splitBatch(
    [
      { oid: "A", node: "n0" },
      { oid: "B", uid: "B", node: "n0", inputs: [{ C: "port" }] },
      { oid: "C", uid: "uC", node: "n0" },
      { oid: "D", node: "n1", consumers: ["C"] },
    ],
    parts,
    empty,
  );
  const [a, b, c, d] = ["A", "B", "C", "D"].map((oid) => s.owners.get(oid)!);
  assert.equal(a, b, "A and B share their record");
  assert.notEqual(a, d, "D is on another node");
  assert.deepEqual(a, { uid: undefined, part: 0, node: "n0" });
  assert.deepEqual(c, { uid: "uC", part: 0, node: "n0" });
  assert.deepEqual(["A", "B", "C", "D"].map((oid) => uidOf(oid, s.owners.get(oid)!)), [
    "A",
    "B",
    "uC",
    "D",
  ]);
  // Relations name UIDs: D (n1) consumed by C (n0), whose UID is uC.
  assert.deepEqual(s.rels.map((r) => [r.lhs, r.rhs]), [["uC", "D"]]);
});
