import assert from "node:assert/strict";
import { withNode } from "./_test_node.ts";
import { waitFor } from "../testing/mod.ts";
import { type AppDrop, SessionStates } from "../drops/mod.ts";

/** Chains of data -> app -> data, `n` Drops in all. */
function chains(n: number) {
  const specs: Record<string, unknown>[] = [];
  const roots: string[] = [];
  for (let c = 0; specs.length < n; c++) {
    roots.push(`c${c}_0`);
    for (let i = 0; i < 10; i++) {
      const oid = `c${c}_${i}`;
      const next = i < 9 ? [`c${c}_${i + 1}`] : undefined;
      specs.push(
        i % 2 === 0
          ? {
            oid,
            categoryType: "Data",
            dropclass: "dlg.data.drops.memory.InMemoryDROP",
            consumers: next,
          }
          : {
            oid,
            categoryType: "Application",
            dropclass: "dlg.apps.simple.NullBarrierApp",
            outputs: next,
          },
      );
    }
  }
  return { specs, roots };
}

Deno.test("a big deploy is built in slices: timers run meanwhile, and the graph runs to FINISHED", async () => {
  await withNode(async (nm) => {
    const { specs, roots } = chains(60_000);
    nm.createSession("big");
    await nm.append("big", specs);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      const deploying = nm.deploy("big", roots);
      assert.ok(deploying instanceof Promise, "a 60k-Drop deploy returns a promise");
      assert.equal(nm.get("big").status, SessionStates.DEPLOYING);
      await deploying;
    } finally {
      clearInterval(timer);
    }
    assert.ok(ticks > 0, "the event loop ran during the deploy");
    await waitFor(() => nm.get("big").status === SessionStates.FINISHED, { timeout: 30_000 });
  });
});

Deno.test("a session cancelled while its big deploy is being built never starts", async () => {
  await withNode(async (nm) => {
    const { specs, roots } = chains(60_000);
    nm.createSession("big");
    await nm.append("big", specs);
    const deploying = nm.deploy("big", roots);
    nm.cancel("big");
    await deploying;
    const s = nm.get("big");
    assert.equal(s.status, SessionStates.CANCELLED);
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(s.status, SessionStates.CANCELLED);
  });
});

Deno.test("a small deploy stays synchronous", async () => {
  await withNode(async (nm) => {
    const { specs, roots } = chains(100);
    nm.createSession("small");
    nm.append("small", specs);
    assert.equal(nm.deploy("small", roots), undefined);
    await waitFor(() => nm.get("small").status === SessionStates.FINISHED, { timeout: 5_000 });
  });
});

Deno.test("an append's repeated OID is refused in a small and in a big (sliced) batch, none of it kept", async () => {
  await withNode(async (nm) => {
    nm.createSession("s");
    await nm.append("s", chains(10).specs);
    for (const n of [100, 15_000]) {
      const { specs } = chains(n);
      const batch = specs.map((x) => ({
        ...x,
        oid: `n${n}_${x.oid}`,
        consumers: undefined,
        outputs: undefined,
      }));
      const last = batch[batch.length - 1]!;
      await assert.rejects(
        Promise.resolve().then(() => nm.append("s", [...batch, { ...last }])),
        new RegExp(`Drop ${last.oid} appears twice in the graph`),
      );
      assert.equal(nm.get("s").size, 10, `nothing of the ${n}-Drop batch was kept`);
    }
    await nm.append("s", [{
      oid: "z",
      categoryType: "Data",
      dropclass: "dlg.data.drops.memory.InMemoryDROP",
    }]);
    assert.equal(nm.get("s").size, 11);
  });
});

Deno.test("Drops are found by UID: UIDs that are OIDs of other Drops, and UIDs no Drop has", async () => {
  await withNode(async (nm) => {
    const mem = { categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" };
    nm.createSession("uids");
    // x's UID is y's OID; y's UID is z; w's UID is its OID.
    await nm.append("uids", [
      { oid: "x", uid: "y", ...mem },
      { oid: "y", uid: "z", ...mem },
      { oid: "w", ...mem },
    ]);
    await nm.deploy("uids", []);
    const s = nm.get("uids");
    assert.equal(s.dropByUid("y")?.oid, "x");
    assert.equal(s.dropByUid("z")?.oid, "y");
    assert.equal(s.dropByUid("w")?.oid, "w");
    // "x" is an OID, but no Drop's UID.
    assert.equal(s.dropByUid("x"), undefined);
    assert.equal(s.dropByUid("nope"), undefined);
  });
});

Deno.test("the first batch with a PyFuncApp waits for the Python check off the event loop", async () => {
  const fake = await Deno.makeTempFile({ suffix: ".sh" });
  // A "python" that takes 300 ms to answer that it runs.
  await Deno.writeTextFile(fake, "#!/bin/sh\nsleep 0.3\nexit 0\n");
  await Deno.chmod(fake, 0o755);
  try {
    await withNode(async (nm) => {
      const app = {
        oid: "a",
        categoryType: "Application",
        dropclass: "dlg.apps.pyfunc.PyFuncApp",
        func_name: "builtins.abs",
      };
      nm.createSession("py");
      // No Python in the batch: nothing is checked.
      await nm.append("py", [{
        oid: "d",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
      }]);
      assert.equal(nm.python.checked, false);
      let ticks = 0;
      const timer = setInterval(() => ticks++, 20);
      try {
        await nm.append("py", [app]);
      } finally {
        clearInterval(timer);
      }
      assert.ok(ticks >= 5, `timers ran while python was checked (${ticks})`);
      assert.equal(nm.python.checked, true);
      assert.deepEqual(Object.keys(nm.get("py").graph()).sort(), ["a", "d"]);
    }, { python: { python: fake } });
  } finally {
    await Deno.remove(fake);
  }
});

Deno.test("an append repeating an OID already in the session is refused and leaves that Drop's spec", async () => {
  await withNode(async (nm) => {
    const mem = (oid: string, name: string) => ({
      oid,
      name,
      categoryType: "Data",
      dropclass: "dlg.data.drops.memory.InMemoryDROP",
    });
    nm.createSession("s");
    await nm.append("s", [mem("a", "first"), mem("b", "first")]);
    await nm.append("s", [mem("c", "first")]);
    // Small (in one go) and big (in slices) batches, the repeat first, in the middle or last.
    for (const n of [3, 15_000]) {
      for (const at of [0, Math.floor(n / 2), n - 1]) {
        const batch = Array.from({ length: n }, (_, i) => mem(`n${n}_${i}`, "second"));
        batch[at] = mem(at % 2 ? "a" : "c", "second");
        await assert.rejects(
          Promise.resolve().then(() => nm.append("s", batch)),
          new RegExp(`Drop ${batch[at]!.oid} is already in the session`),
        );
        assert.equal(nm.get("s").size, 3, `nothing of the ${n}-Drop batch was kept`);
      }
    }
    const names = (g: Record<string, unknown>) =>
      Object.entries(g).map(([oid, s]) => `${oid}:${(s as { name: string }).name}`);
    assert.deepEqual(names(nm.graph("s")), ["a:first", "b:first", "c:first"]);
    // Taken out and appended again: the later spec is the one kept when it is repeated.
    nm.removeDrops("s", ["a"]);
    await nm.append("s", [mem("a", "again")]);
    await assert.rejects(
      Promise.resolve().then(() => nm.append("s", [mem("x", "third"), mem("a", "third")])),
      /Drop a is already in the session/,
    );
    assert.deepEqual(names(nm.graph("s")), ["b:first", "c:first", "a:again"]);
    await nm.deploy("s", []);
  });
});

Deno.test("links between Drops appended far apart are found as those appended together", async () => {
  await withNode(async (nm) => {
    // 6000 input Drops, 6000 apps, 6000 output Drops: input i is read by app 5999 - i (listed on
    // the data side), app i writes output (i + 3000) % 6000 (listed on both sides).
    const n = 6000;
    const mem = { categoryType: "Data", dropclass: "dlg.data.drops.memory.InMemoryDROP" };
    const ins = Array.from({ length: n }, (_, i) => ({
      oid: `in${i}`,
      ...mem,
      consumers: [`a${n - 1 - i}`],
    }));
    const apps = Array.from({ length: n }, (_, i) => ({
      oid: `a${i}`,
      categoryType: "Application",
      dropclass: "dlg.apps.simple.NullBarrierApp",
      outputs: [`out${(i + 3000) % n}`],
    }));
    const outs = Array.from({ length: n }, (_, j) => ({
      oid: `out${j}`,
      ...mem,
      producers: [`a${(j + 3000) % n}`],
    }));
    nm.createSession("far");
    await nm.append("far", [...ins, ...apps, ...outs]);
    await nm.deploy("far", ins.map((d) => d.oid));
    await waitFor(() => nm.get("far").status === SessionStates.FINISHED, { timeout: 10_000 });
    const s = nm.get("far");
    for (const i of [0, 1, 2999, 3000, 4095, 4096, 5999]) {
      const a = s.drop(`a${i}`) as AppDrop;
      assert.deepEqual(a.inputs.map((d) => d.oid), [`in${n - 1 - i}`]);
      assert.deepEqual(a.outputs.map((d) => d.oid), [`out${(i + 3000) % n}`]);
    }
  });
});
