/**
 * A memory Drop written by a Python app is one SharedArrayBuffer: four module apps in the worker
 * pool read it (and one writes a marker through its view) without a copy being made.
 */
import assert from "node:assert/strict";
import { MemoryStore } from "../../core/drops/store.ts";
import { DataDrop } from "../../core/drops/mod.ts";
import { SessionStates } from "../../core/drops/states.ts";
import { appSpec, mem, withNode } from "../_util/inproc.ts";
import { PYTHON } from "./_node.ts";

const MODULES = new URL("../fixtures/modules/", import.meta.url).pathname;

Deno.test("a memory Drop written by Python is read by 4 worker apps from one shared buffer", async () => {
  await withNode(async (api) => {
    const readers = [1, 2, 3, 4].map((i) => `R${i}`);
    await api.session("s", [
      appSpec("P", "dlg.apps.pyfunc.PyFuncApp", {
        func_name: "mk",
        func_code: "def mk():\n    return bytes([1, 2, 3, 4])\n",
        applicationArgs: { o: { value: "", usage: "OutputPort", encoding: "raw" } },
        outputs: [{ M: "o" }],
      }),
      mem("M", { producers: [{ P: "o" }], consumers: readers, persist: true }),
      ...readers.map((r) =>
        appSpec(r, "dlg.apps.js.ModuleApp", {
          module: `${MODULES}sum.ts`,
          function: "touch",
          inputs: ["M"],
          outputs: [`${r}o`],
        })
      ),
      ...readers.map((r) => mem(`${r}o`, { producers: [r] })),
    ]);
    assert.equal(
      (await api.post("/api/sessions/s/deploy", "completed=P", {
        "content-type": "application/x-www-form-urlencoded",
      })).status,
      200,
    );
    assert.equal(await api.until("s", [SessionStates.FINISHED, SessionStates.FAILED], 30_000), 4);
    const m = api.nm.get("s").drop("M") as DataDrop;
    assert.ok(m.store instanceof MemoryStore && m.store.buffer instanceof SharedArrayBuffer);
    // The workers' marker landed in the very buffer the Python output arrived in.
    assert.deepEqual([...m.store.bytes()], [99, 2, 3, 4]);
  }, { python: { python: PYTHON, size: 1 }, appRoots: [MODULES] });
});
