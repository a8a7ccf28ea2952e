import assert from "node:assert/strict";
import { DropClasses } from "../apps/mod.ts";
import { HttpError } from "../errors/mod.ts";
import { graphItems, normalizeBatch } from "./batch.ts";
import { eachLink, linkList } from "../drops/mod.ts";
import { normalizeSpec, specNode, specRaw } from "./normalize.ts";

const classes = new DropClasses();

Deno.test("normalizeSpec reads both link styles, deduplicates and keeps port names", () => {
  const s = normalizeSpec(
    {
      oid: "A",
      categoryType: "Application",
      dropclass: "dfms.apps.simple.CopyApp",
      inputs: ["X", { Y: "in" }, "X"],
      outputs: [{ Z: "out" }],
      node: "n1",
    },
    0,
    classes,
  );
  assert.equal(s.cls.name, "dlg.apps.simple.CopyApp");
  assert.deepEqual(s.links, { inputs: ["X", "Y"], outputs: ["Z"] });
  assert.deepEqual(s.ports, { Y: "in", Z: "out" });
  assert.equal(specNode(s), "n1");
  assert.equal(s.uid, "A");
});

Deno.test("normalizeSpec accepts class aliases and old-style storage", () => {
  const alias = (dropclass: string) =>
    normalizeSpec({ oid: "D", categoryType: "Data", dropclass }, 0, classes).cls.name;
  assert.equal(alias("dlg.data.drops.InMemoryDROP"), "dlg.data.drops.memory.InMemoryDROP");
  assert.equal(alias("dlg.data.drops.FileDROP"), "dlg.data.drops.file.FileDROP");
  assert.equal(alias("dfms.data.drops.memory.InMemoryDROP"), "dlg.data.drops.memory.InMemoryDROP");
  const old = normalizeSpec({ oid: "D", categoryType: "data", storage: "Memory" }, 0, classes);
  assert.equal(old.cls.name, "dlg.data.drops.memory.InMemoryDROP");
});

Deno.test("normalizeSpec ignores EAGLE metadata of any type", () => {
  const s = normalizeSpec(
    {
      oid: "A",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.SleepApp",
      sleep_time: "",
      iid: null,
      rank: [0],
      loop_ctx: null,
      weight: 1,
      fields: [{ name: "sleep_time", value: "2" }],
      componentParams: { x: null },
      applicationArgs: { sleep_time: { value: null } },
    },
    0,
    classes,
  );
  assert.equal(s.params.sleep_time, 2);
});

Deno.test("graphItems drops DALiuGE's trailing metadata element only", () => {
  assert.deepEqual(graphItems([{ oid: "A" }, {}]), [{ oid: "A" }]);
  assert.deepEqual(graphItems([{ oid: "A" }, { rmode: "1" }]), [{ oid: "A" }]);
  assert.deepEqual(graphItems([{}]), []);
  assert.throws(() => graphItems({}), HttpError);
});

Deno.test("normalizeBatch is all-or-nothing and names the offending Drop", () => {
  const mem = (oid: string) => ({
    oid,
    categoryType: "Data",
    dropclass: "dlg.data.drops.memory.InMemoryDROP",
  });
  assert.equal(normalizeBatch([mem("A"), mem("B")], classes).length, 2);
  assert.throws(
    () => normalizeBatch([mem("A"), { oid: "B" }], classes),
    /Drop B has no categoryType/,
  );
});

Deno.test("normalizeSpec: a spec with plain link lists is its own links; null lists are none", () => {
  const raw: Record<string, unknown> = {
    oid: "A",
    categoryType: "Application",
    dropclass: "dlg.apps.simple.CopyApp",
    inputs: ["X"],
    outputs: null,
    consumers: [],
  };
  const s = normalizeSpec(raw, 0, classes);
  assert.equal(s.links, raw);
  assert.deepEqual(s.links.inputs, ["X"]);
  assert.equal(s.links.outputs ?? undefined, undefined);
  // A repeat, or an {oid: port} link, needs lists of its own.
  const twice = normalizeSpec({ ...raw, inputs: ["X", "X"] }, 0, classes);
  assert.notEqual(twice.links, twice.raw);
  assert.deepEqual(twice.links.inputs, ["X"]);
});

Deno.test("a node's batch keeps a one-OID link list as the OID; specRaw gives the lists back", () => {
  const items = [
    {
      oid: "A",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.CopyApp",
      inputs: ["X"],
      outputs: ["Y", "Z"],
      consumers: [],
    },
    { oid: "X", categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" },
  ];
  const sent = structuredClone(items);
  const [a, x] = normalizeBatch(items, classes, true);
  assert.equal(a!.links.inputs, "X");
  assert.deepEqual(a!.links.outputs, ["Y", "Z"]);
  assert.deepEqual(linkList(a!.links.inputs), ["X"]);
  const seen: string[] = [];
  for (const k of ["inputs", "outputs", "consumers", "producers"] as const) {
    eachLink(a!.links[k], (o) => seen.push(`${k}:${o}`));
  }
  assert.deepEqual(seen, ["inputs:X", "outputs:Y", "outputs:Z"]);
  // What GET .../graph shows is what was sent (the class name canonical, as before).
  assert.deepEqual(specRaw(a!), sent[0]);
  assert.equal(specRaw(x!), x!.raw);
  // Specs with lists of their own (repeats, ports) are not compacted.
  const [b] = normalizeBatch(
    [{
      oid: "B",
      categoryType: "Application",
      dropclass: "dlg.apps.simple.CopyApp",
      inputs: [{ X: "in" }],
    }],
    classes,
    true,
  );
  assert.deepEqual(b!.links.inputs, ["X"]);
  // Items a caller still holds (no `compact`) are left as they are.
  const [c] = normalizeBatch([{ ...sent[0]! }], classes);
  assert.deepEqual(c!.raw.inputs, ["X"]);
  assert.deepEqual(specRaw(b!).inputs, [{ X: "in" }]);
});
