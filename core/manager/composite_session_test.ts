import assert from "node:assert/strict";
import { parseNode } from "../wire/mod.ts";
import { Child } from "./children.ts";
import { CompositeSession, Phase } from "./composite_session.ts";
import type { Owned } from "./partition.ts";

const child = (port: number) => new Child(parseNode(`127.0.0.1:${port}`));
const ERR = { type: "RestClientException", args: ["no answer"] };

function session() {
  const [a, b, c] = [child(1), child(2), child(3)];
  const s = new CompositeSession("s", [a, b, c]);
  s.parts = new Set([0, 1]); // Drops on a and b, none on c
  s.phase = Phase.DEPLOYED;
  const said: string[] = [];
  s.watch({ failed: (name) => said.push(`failed ${name}`), lost: (why) => said.push(why) });
  return { s, a, b, c, said };
}

Deno.test("CompositeSession.fail: a child holding Drops breaks the session once, naming it", () => {
  const { s, a, b, said } = session();
  assert.equal(s.fail(a, ERR), true);
  assert.equal(s.fail(a, ERR), false, "once");
  assert.equal(s.fail(b, ERR), true);
  assert.equal(s.lost, `${a.name} failed: RestClientException: no answer`);
  assert.deepEqual(said, [`failed ${a.name}`, s.lost, `failed ${b.name}`]);
});

Deno.test("CompositeSession.fail: a child with no Drops, or whose part was over, fails nothing", () => {
  const { s, a, c, said } = session();
  assert.equal(s.fail(c, ERR), false);
  s.statusOf(a, { status: 4 });
  assert.equal(s.fail(a, ERR), false, "history is not rewritten");
  assert.equal(s.lost, undefined);
  assert.deepEqual(said, []);
  assert.equal(s.fail(c, ERR, true), true, "forced (it refused the deploy)");
});

Deno.test("CompositeSession.statusOf: failed is 6, over stays, an empty part is FINISHED once deployed", () => {
  const { s, a, b, c } = session();
  assert.equal(s.statusOf(a, { status: 3 }), 3);
  assert.equal(s.statusOf(a), 3, "what it last said while it does not answer");
  assert.equal(s.statusOf(b), Phase.DEPLOYED, "never answered: RUNNING");
  assert.equal(s.statusOf(c), 4);
  s.fail(b, ERR);
  assert.equal(s.statusOf(b), 6);
  s.statusOf(a, { status: 5 });
  assert.equal(s.statusOf(a), 5);
});

Deno.test("CompositeSession.byUid finds Drops by UID, mapping only the UIDs that are not OIDs", () => {
  const s = new CompositeSession("s", [child(1)]);
  const commit = (owners: [string, Owned][]) =>
    s.commit({
      parts: [],
      owners: new Map(owners),
      rels: [],
      removed: [],
      waiting: new Map(),
      resolved: [],
      edges: [],
    });
  commit([["w", { uid: undefined, part: 0, node: "n3" }]]);
  assert.equal(s.byUid()("w")?.node, "n3", "no UID other than its OID in the session");
  commit([["x", { uid: "y", part: 0, node: "n1" }], ["y", { uid: "z", part: 0, node: "n2" }]]);
  const byUid = s.byUid();
  assert.equal(byUid("y")?.node, "n1");
  assert.equal(byUid("z")?.node, "n2");
  assert.equal(byUid("w")?.node, "n3");
  assert.equal(byUid("x"), undefined, "an OID, but no Drop's UID");
  assert.equal(byUid("nope"), undefined);
});

Deno.test("CompositeSession.place keeps a master's placements as sent, and answers for them as owners when asked", () => {
  const s = new CompositeSession("s", [child(1), child(2)]);
  assert.equal(s.empty, true);
  s.place(
    [{ part: 1, node: "n2", oids: "a\nb" }, { part: 0, node: "n1", oids: ["c"] }],
    new Map([["b", "B"]]),
    [["a", "consumers", "x"]],
  );
  assert.equal(s.empty, false);
  assert.equal(s.size, 3, "counted as placed");
  assert.deepEqual([...s.parts].sort(), [0, 1]);
  assert.equal(s.phase, Phase.BUILDING);
  assert.deepEqual(s.removed, [["a", "consumers", "x"]]);
  const byUid = s.byUid();
  assert.equal(byUid("B")?.node, "n2");
  assert.equal(byUid("b"), undefined, "b's UID is B");
  // A UID is kept only when it is not the OID; Drops alike share one record.
  assert.deepEqual(s.owners.get("a"), { uid: undefined, part: 1, node: "n2" });
  assert.deepEqual(s.owners.get("b"), { uid: "B", part: 1, node: "n2" });
  assert.deepEqual(s.owners.get("c"), { uid: undefined, part: 0, node: "n1" });
  assert.equal(byUid("a"), s.owners.get("a"));
  assert.equal(byUid("c"), s.owners.get("c"));
  assert.equal(s.owners.size, 3);
  s.forget(new Set(["a", "b"]));
  assert.deepEqual([...s.parts], [0]);
  assert.equal(s.owners.size, 1);
  assert.equal(s.size, 1);
  assert.deepEqual(s.removed, []);
});
