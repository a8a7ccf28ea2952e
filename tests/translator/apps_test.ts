/**
 * The apps translator graphs use, on small graphs: SimpleBranch, RandomArrayApp,
 * GenericScatterApp, PickOne, ArrayGatherApp, SleepApp's `sleep_time` port, and the class
 * aliases (`dlg.data.drops.InMemoryDROP`, `dlg.data.drops.FileDROP`, `dfms.`).
 */
import assert from "node:assert/strict";
import { DataDrop } from "../../core/drops/data_drop.ts";
import { AppStates, DropStates, SessionStates } from "../../core/drops/states.ts";
import { decodeValue, isNdArray, type Value } from "../../core/apps/values.ts";
import { toNumbers } from "../../core/apps/npy.ts";
import { type Api, appSpec, file, mem, withNode } from "../_util/inproc.ts";

const { COMPLETED, SKIPPED, ERROR } = DropStates;

async function run(
  api: Api,
  graph: unknown[],
  completed: string[],
  want: number = SessionStates.FINISHED,
) {
  await api.session("s", graph);
  const d = await api.post("/api/sessions/s/deploy", `completed=${completed.join(",")}`, {
    "content-type": "application/x-www-form-urlencoded",
  });
  assert.equal(d.status, 200, JSON.stringify(d.body));
  assert.equal(await api.until("s", [4, 5, 6]), want);
  return (await api.get("/api/sessions/s/graph/status")).body as Record<
    string,
    { status: number; execStatus?: number }
  >;
}

function value(api: Api, oid: string): Value {
  return decodeValue((api.nm.get("s").drop(oid) as DataDrop).store.bytes());
}

const branchGraph = (result?: unknown) => [
  mem("in", { consumers: ["br"] }),
  appSpec("br", "SimpleBranch", {
    inputs: ["in"],
    outputs: [{ first: "true" }, { second: "false" }],
    ...(result === undefined ? {} : { applicationArgs: { result: { value: result } } }),
  }),
  mem("first", { consumers: ["a1"] }),
  mem("second", { consumers: ["a2"] }),
  appSpec("a1", "NullBarrierApp", { inputs: ["first"], outputs: ["o1"] }),
  appSpec("a2", "NullBarrierApp", { inputs: ["second"], outputs: ["o2"] }),
  mem("o1"),
  mem("o2"),
];

Deno.test("SimpleBranch keeps the first output by default and skips the other branch", async () => {
  await withNode(async (api) => {
    const s = await run(api, branchGraph(), ["in"]);
    assert.deepEqual(
      [s.br!.status, s.first!.status, s.a1!.status, s.o1!.status],
      [COMPLETED, COMPLETED, COMPLETED, COMPLETED],
    );
    assert.deepEqual([s.second!.status, s.a2!.status, s.o2!.status], [SKIPPED, SKIPPED, SKIPPED]);
    assert.equal(s.a2!.execStatus, AppStates.SKIPPED);
  });
});

Deno.test("SimpleBranch with result false skips the first output; 'false' is true as in Python", async () => {
  await withNode(async (api) => {
    const s = await run(api, branchGraph(false), ["in"]);
    assert.deepEqual([s.first!.status, s.a1!.status, s.o1!.status], [SKIPPED, SKIPPED, SKIPPED]);
    assert.deepEqual([s.second!.status, s.o2!.status], [COMPLETED, COMPLETED]);
  });
  await withNode(async (api) => {
    const s = await run(api, branchGraph("false"), ["in"]);
    assert.equal(s.second!.status, SKIPPED);
  });
});

Deno.test("SimpleBranch follows its spec's outputs list, not the order Drops arrive in", async () => {
  await withNode(async (api) => {
    // "second" comes first in the graph and links itself to the branch from the data side.
    const g = branchGraph();
    const second = g.find((d) => d.oid === "second")!;
    const reordered = [{ ...second, producers: ["br"] }, ...g.filter((d) => d !== second)];
    const s = await run(api, reordered, ["in"]);
    assert.deepEqual([s.first!.status, s.second!.status], [COMPLETED, SKIPPED]);
  });
});

Deno.test("SimpleBranch without exactly 2 outputs fails saying so", async () => {
  await withNode(async (api) => {
    const g = [
      mem("in", { consumers: ["br"] }),
      appSpec("br", "SimpleBranch", { inputs: ["in"], outputs: ["x"] }),
      mem("x"),
    ];
    const s = await run(api, g, ["in"], SessionStates.FAILED);
    assert.equal(s.br!.status, ERROR);
    const info = (await api.get("/api/sessions/s/graph/drop/br")).body as { error: string };
    assert.match(info.error, /exactly 2 outputs, br has 1/);
  });
});

Deno.test("RandomArrayApp -> GenericScatterApp -> ArrayGatherApp gives the array back in .npy", async () => {
  await withNode(async (api) => {
    const g = [
      appSpec("rnd", "RandomArrayApp", {
        size: "10",
        low: 5,
        high: "8",
        integer: "",
        outputs: ["arr"],
      }),
      mem("arr", { consumers: ["sc"] }),
      appSpec("sc", "GenericScatterApp", {
        num_of_copies: "3",
        inputs: ["arr"],
        outputs: ["p0", "p1", "p2"],
      }),
      ...["p0", "p1", "p2"].map((p) => mem(p, { consumers: ["ga"] })),
      appSpec("ga", "ArrayGatherApp", { inputs: ["p0", "p1", "p2"], outputs: ["all"] }),
      mem("all"),
    ];
    await run(api, g, ["rnd"]);
    const arr = value(api, "arr");
    assert.ok(isNdArray(arr) && arr.dtype === "<i8");
    const nums = toNumbers(arr);
    assert.equal(nums.length, 10);
    assert.ok(nums.every((n) => Number.isInteger(n) && n >= 5 && n < 8), `${nums}`);
    const parts = ["p0", "p1", "p2"].map((p) => value(api, p));
    assert.deepEqual(parts.map((p) => isNdArray(p) ? p.shape : p), [[4], [3], [3]]);
    // Parts of unequal length gather into a JSON list of lists.
    assert.deepEqual(value(api, "all"), parts.map((p) => toNumbers(p as never)));
  });
});

Deno.test("PickOne sends the first element on, and the rest to the output named rest_array", async () => {
  await withNode(async (api) => {
    const g = [
      mem("in", { pydata: "[7, 8, 9]", consumers: ["pick"] }),
      appSpec("pick", "PickOne", { inputs: ["in"], outputs: [{ el: "element" }, { r: "copy" }] }),
      file("el", { filepath: "el.json" }),
      mem("r", { name: "rest_array" }),
    ];
    await run(api, g, ["in"]);
    assert.equal(value(api, "el"), 7);
    const rest = value(api, "r");
    assert.ok(isNdArray(rest));
    assert.deepEqual(toNumbers(rest), [8, 9]);
  });
});

Deno.test("SleepApp takes sleep_time from its named input port when the parameter is empty", async () => {
  await withNode(async (api) => {
    const g = [
      mem("t", { pydata: "0.3", consumers: [{ sl: "element" }] }),
      appSpec("sl", "SleepApp", { sleep_time: "", inputs: [{ t: "sleep_time" }], outputs: ["o"] }),
      mem("o"),
    ];
    const t0 = performance.now();
    await run(api, g, ["t"]);
    assert.ok(performance.now() - t0 >= 300, "slept the port's 0.3 s");
  });
});

Deno.test("class aliases run: dlg.data.drops.InMemoryDROP, dlg.data.drops.FileDROP, dfms.", async () => {
  await withNode(async (api) => {
    const g = [
      {
        oid: "a",
        categoryType: "Data",
        dropclass: "dlg.data.drops.InMemoryDROP",
        pydata: "[1, 2]",
        consumers: ["b"],
      },
      {
        oid: "b",
        categoryType: "Application",
        dropclass: "dfms.apps.simple.CopyApp",
        inputs: ["a"],
        outputs: ["c"],
      },
      { oid: "c", categoryType: "Data", dropclass: "dlg.data.drops.FileDROP", consumers: ["d"] },
      {
        oid: "d",
        categoryType: "Application",
        dropclass: "dfms.apps.simple.PickOne",
        inputs: ["c"],
        outputs: ["e"],
      },
      { oid: "e", categoryType: "Data", dropclass: "dfms.data.drops.memory.InMemoryDROP" },
    ];
    const s = await run(api, g, ["a"]);
    assert.ok(Object.values(s).every((x) => x.status === COMPLETED));
    assert.equal(value(api, "e"), 1);
    const c = api.nm.get("s").drop("c") as DataDrop;
    assert.ok(c.store.path?.startsWith(api.workDir), "the FileDROP lives in the session dir");
  });
});
