/**
 * What the translator fixtures cannot run gets a clear answer, never a stuck session:
 * gather_simple (BashShellApp without `command`, a root FileDROP on a missing path) and
 * hello_universe on a node without python (PyFuncApp). Plus EAGLE's parameter forms.
 */
import assert from "node:assert/strict";
import { DropStates, SessionStates } from "../../core/drops/states.ts";
import { withNode } from "./_single.ts";
import { dropsOf, loadFixture, roots, type Spec } from "./_fixtures.ts";
import { append, type Call, createSession, deploy, waitEnded } from "./_run.ts";

interface Err {
  type: string;
  args: string[];
}

/** Append `graph` to a new session; expect 400 InvalidGraphException and nothing stored. */
async function rejected(call: Call, sid: string, graph: unknown): Promise<string> {
  await createSession(call, sid);
  const r = await append(call, sid, graph);
  assert.equal(r.status, 400, JSON.stringify(r.body));
  const err = r.body as Err;
  assert.equal(err.type, "InvalidGraphException");
  assert.equal((await call("GET", `/api/sessions/${sid}/graph/size`)).body, 0);
  assert.equal((await call("GET", `/api/sessions/${sid}/status`)).body, SessionStates.PRISTINE);
  return err.args[0]!;
}

const byClass = (g: Spec[], suffix: string) =>
  dropsOf(g).filter((d) => String(d.dropclass).endsWith(suffix)).map((d) => d.oid);

Deno.test("gather_simple.single.json is rejected at append: its BashShellApp has no command", async () => {
  const graph = await loadFixture("gather_simple", "single");
  const bash = byClass(graph, "BashShellApp");
  assert.equal(bash.length, 2);
  await withNode(async (call) => {
    const msg = await rejected(call, "g", graph);
    assert.match(msg, /^Drop (\S+): BashShellApp has no command \(parameter command is not set/);
    assert.ok(bash.some((oid) => msg.includes(oid)), msg);
  });
});

Deno.test("gather_simple with commands is rejected: its root file is outside the session", async () => {
  const graph = await loadFixture("gather_simple", "single");
  const ms = dropsOf(graph).find((d) => d.name === "MeasurementSet")!;
  assert.equal(ms.filepath, "/tmp/dlg/var/dlg_home/testdata/test.empty.ms");
  await withNode(async (call) => {
    const fixed = graph.map((d) =>
      String(d.dropclass).endsWith("BashShellApp") ? { ...d, command: "touch %o0" } : d
    );
    const msg = await rejected(call, "g", fixed);
    assert.match(msg, new RegExp(`^Drop ${ms.oid}: file path /tmp/dlg/var/dlg_home/testdata/`));
    assert.match(msg, /outside the session directory/);
  });
});

Deno.test("gather_simple with commands fails (not stuck) naming the missing root file", async () => {
  const graph = await loadFixture("gather_simple", "single");
  await withNode(async (call) => {
    // Under the session directory (a path outside it is refused at append), and missing.
    const missing = "no/such/test.empty.ms";
    const fixed = graph.map((d) =>
      String(d.dropclass).endsWith("BashShellApp")
        ? { ...d, command: "touch %o0" }
        : d.name === "MeasurementSet"
        ? { ...d, filepath: missing }
        : d
    );
    const [root] = roots(fixed);
    assert.equal(dropsOf(fixed).find((d) => d.oid === root)?.name, "MeasurementSet");
    await createSession(call, "g");
    assert.equal((await append(call, "g", fixed)).status, 200);
    assert.equal((await deploy(call, "g", [root!])).status, 200);
    assert.deepEqual(await waitEnded(call, "g", 10_000), [SessionStates.FAILED]);
    const status = (await call("GET", "/api/sessions/g/graph/status")).body as Record<
      string,
      { status: number }
    >;
    for (const [oid, s] of Object.entries(status)) {
      assert.equal(s.status, DropStates.ERROR, `${oid} ended in ${s.status}`);
    }
    const info = (await call("GET", `/api/sessions/g/graph/drop/${root}`)).body as {
      error: string;
    };
    assert.match(info.error, /test\.empty\.ms does not exist/);
  });
});

Deno.test("a node whose python cannot start rejects PyFuncApp at append, and runs the rest", async () => {
  const graph = await loadFixture("hello_universe", "single");
  const [pyfunc] = byClass(graph, "PyFuncApp");
  await withNode(async (call) => {
    const msg = await rejected(call, "h", graph);
    assert.match(
      msg,
      new RegExp(`^Drop ${pyfunc}: dlg.apps.pyfunc.PyFuncApp needs Python on this node`),
    );
    assert.match(msg, /\/nonexistent\/python3 cannot be started/);
    assert.match(msg, /--python PATH/);
    const branch = await loadFixture("branch", "single");
    await createSession(call, "b");
    assert.equal((await append(call, "b", branch)).status, 200);
    assert.equal((await deploy(call, "b", roots(branch))).status, 200);
    assert.deepEqual(await waitEnded(call, "b", 30_000), [SessionStates.FINISHED]);
  }, { python: "/nonexistent/python3" });
});

Deno.test("EAGLE parameter forms: '5' is 5, '' is unset, every form is read", async () => {
  const graph = await loadFixture("grpby_gather", "single");
  await withNode(async (call, nm) => {
    await createSession(call, "p");
    assert.equal((await append(call, "p", graph)).status, 200);
    const specs = nm.get("p").specs();
    const component1 = dropsOf(graph).find((d) => d.name === "Component1")!;
    assert.equal(component1.sleep_time, "5");
    assert.equal(specs.get(component1.oid)!.params.sleep_time, 5);
  });
  const branch = await loadFixture("branch", "single");
  const app = dropsOf(branch).find((d) => d.name === "NoApp")!;
  const forms: [string, (d: Spec) => Spec, unknown][] = [
    ["top-level", (d) => ({ ...d, sleep_time: "2.5" }), 2.5],
    ["applicationArgs", (d) => ({ ...d, applicationArgs: { sleep_time: { value: "3" } } }), 3],
    ["componentParams", (d) => ({
      ...d,
      sleep_time: "",
      componentParams: { sleep_time: { value: 4 } },
    }), 4],
    [
      "fields",
      (d) => ({ ...d, sleep_time: null, fields: [{ name: "sleep_time", value: "6" }] }),
      6,
    ],
    ["'' everywhere", (d) => ({
      ...d,
      sleep_time: "",
      applicationArgs: { sleep_time: { value: "" } },
      componentParams: {},
      fields: [],
    }), undefined],
  ];
  for (const [form, edit, want] of forms) {
    await withNode(async (call, nm) => {
      await createSession(call, "p");
      const g = branch.map((d) => (d.oid === app.oid ? edit(d) : d));
      assert.equal((await append(call, "p", g)).status, 200, form);
      assert.equal(nm.get("p").specs().get(app.oid)!.params.sleep_time, want, form);
    });
  }
});

Deno.test("EAGLE metadata of any type, null included, never rejects a graph", async () => {
  const graph = await loadFixture("loop_with_exit", "single");
  const junk = {
    fields: [null, 3, "x", { name: null }, { value: [1, { a: null }] }],
    componentParams: { a: null, b: { value: null }, c: [1, 2], d: "s" },
    constraintParams: null,
    applicationArgs: { weird: null, list: [1], num: 7, obj: { value: { deep: [null] } } },
    reprodata: null,
    loop_ctx: { a: [null] },
    rank: null,
    extra_null: null,
    extra_obj: { x: { y: null } },
  };
  await withNode(async (call) => {
    await createSession(call, "m");
    const g = dropsOf(graph).map((d) => ({ ...d, ...junk }));
    const r = await append(call, "m", g);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  });
});

Deno.test("a parameter an app uses that cannot be coerced is 400 naming Drop and parameter", async () => {
  const graph = await loadFixture("array_loop", "single");
  const rnd = dropsOf(graph).find((d) => d.name === "RandomArrayApp")!;
  const bad: [string, Partial<Spec>, RegExp][] = [
    ["size", { size: "lots", applicationArgs: {} }, /parameter size = "lots": expected a number/],
    [
      "size",
      { applicationArgs: { size: { value: 2.5 } } },
      /parameter size = 2\.5: expected an integer/,
    ],
    ["high", { applicationArgs: { high: { value: [1] } } }, /parameter high = \[1\]/],
  ];
  for (const [param, edit, why] of bad) {
    await withNode(async (call) => {
      const g = graph.map((d) => (d.oid === rnd.oid ? { ...d, ...edit } : d));
      const msg = await rejected(call, "c", g);
      assert.ok(msg.startsWith(`Drop ${rnd.oid}: `), msg);
      assert.ok(msg.includes(param), msg);
      assert.match(msg, why);
    });
  }
});
