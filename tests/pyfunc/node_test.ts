/**
 * PyFuncApp on a real dlg-node (`--python /usr/bin/python3`): DALiuGE 6.7's semantics of
 * pyfunc-reference.md, one session per case on one node.
 */
import assert from "node:assert/strict";
import { decodeNpy, encodeNpy, ndarray, toNumbers } from "../../core/apps/mod.ts";
import { AppStates, DropStates, SessionStates } from "../../core/drops/states.ts";
import { type Call, waitEnded } from "../translator/_run.ts";
import { arg, assertAll, fileDrop, memory, py, PYTHON, withPyNode } from "./_node.ts";

const { FINISHED, FAILED } = SessionStates;
const { CANCELLED, ERROR } = DropStates;
const text = (b: Uint8Array) => new TextDecoder().decode(b);

/** base64 of what `expr` gives, pickled by /usr/bin/python3 (dill when `useDill`). */
async function b64(expr: string, useDill = false): Promise<string> {
  const mod = useDill ? "dill" : "pickle";
  const out = await new Deno.Command(PYTHON, {
    args: [
      "-c",
      `import base64, ${mod}, textwrap\n${expr}\nprint(base64.b64encode(${mod}.dumps(f)).decode())`,
    ],
  }).output();
  assert.ok(out.success, text(out.stderr));
  return text(out.stdout).trim();
}

Deno.test("PyFuncApp on a dlg-node runs DALiuGE's semantics", async (t) => {
  await withPyNode(async (n) => {
    await t.step("keyword arguments from applicationArgs, eval output to a file", async () => {
      const r = await n.run("month", [
        py("A", {
          func_name: "calendar.monthrange",
          applicationArgs: { year: arg(2024), month: arg(2), out: arg("", "OutputPort", "eval") },
          outputs: [{ F: "out" }],
        }),
        fileDrop("F", "month.txt", { producers: [{ A: "out" }] }),
      ]);
      assert.deepEqual(r.final, [FINISHED]);
      assert.equal(text(await n.read("month", "month.txt")), "(3, 29)");
    });

    await t.step(
      "plain top-level form, dill by default, memory Drop between two apps",
      async () => {
        const r = await n.run("median", [
          py("A", {
            func_name: "ast.literal_eval",
            node_or_string: "[1, 5, 3]",
            outputs: [{ M: "out" }],
          }),
          memory("M", { producers: [{ A: "out" }], consumers: [{ B: "data" }] }),
          py("B", {
            func_name: "statistics.median",
            inputs: [{ M: "data" }],
            outputs: [{ F: "out" }],
          }),
          fileDrop("F", "median.pkl", { producers: [{ B: "out" }] }),
        ]);
        assert.deepEqual(r.final, [FINISHED]);
        assert.deepEqual([...await n.read("median", "median.pkl")], [0x80, 4, 0x4b, 3, 0x2e]);
      },
    );

    await t.step("numpy by name on an npy input port, npy output", async () => {
      await n.call("POST", "/api/sessions", JSON.stringify({ sessionId: "np" }), {
        "content-type": "application/json",
      });
      const ints = encodeNpy(ndarray("<i8", [4], [1, 2, 3, 4]));
      await Deno.writeFile(`${n.proc.workDir}/np/ints.npy`, ints);
      const graph = [
        fileDrop("S", "ints.npy", { consumers: [{ A: "a" }] }),
        py("A", {
          func_name: "numpy.cumsum",
          applicationArgs: { a: arg("", "InputPort", "npy"), result: arg("", "OutputPort", "npy") },
          inputs: [{ S: "a" }],
          outputs: [{ F: "result" }],
        }),
        fileDrop("F", "cumsum.npy", { producers: [{ A: "result" }] }),
      ];
      const a = await n.call("POST", "/api/sessions/np/graph/append", JSON.stringify(graph), {
        "content-type": "application/json",
      });
      assert.equal(a.status, 200, JSON.stringify(a.body));
      await n.call("POST", "/api/sessions/np/deploy", "completed=S", {
        "content-type": "application/x-www-form-urlencoded",
      });
      await waitDone(n.call, "np");
      const out = decodeNpy(await n.read("np", "cumsum.npy"));
      assert.equal(out.dtype, "<i8");
      assert.deepEqual(toNumbers(out), [1, 3, 6, 10]);
    });

    await t.step("a --py-path module: static method and **kwargs", async () => {
      const r = await n.run("mod", [
        py("A", {
          func_name: "dlgts_testmod.Stats.double",
          applicationArgs: { x: arg(21), o: arg("", "OutputPort", "eval") },
          outputs: [{ F: "o" }],
        }),
        fileDrop("F", "double.txt", { producers: [{ A: "o" }] }),
        py("K", {
          func_name: "dlgts_testmod.describe",
          applicationArgs: {
            a: arg(2),
            scale: arg(5),
            colour: arg("red"),
            size: arg(3),
            o: arg("", "OutputPort", "eval"),
          },
          outputs: [{ G: "o" }],
        }),
        fileDrop("G", "kw.txt", { producers: [{ K: "o" }] }),
      ]);
      assert.deepEqual(r.final, [FINISHED]);
      assert.equal(text(await n.read("mod", "double.txt")), "42");
      assert.equal(
        text(await n.read("mod", "kw.txt")),
        "{'a': 10, 'kw': [('colour', 'red'), ('size', 3)]}",
      );
    });

    await t.step("several outputs each get the whole value, in their own encoding", async () => {
      const r = await n.run("multi", [
        py("A", {
          func_name: "dlg.apps.simple_functions.createMultiOut",
          applicationArgs: {
            v1: arg(4),
            v2: arg("x"),
            e: arg("", "OutputPort", "eval"),
            p: arg("", "OutputPort", "pickle"),
          },
          outputs: [{ E: "e" }, { P: "p" }],
        }),
        fileDrop("E", "e.txt", { producers: [{ A: "e" }] }),
        fileDrop("P", "p.pkl", { producers: [{ A: "p" }] }),
      ]);
      assert.deepEqual(r.final, [FINISHED]);
      assert.equal(text(await n.read("multi", "e.txt")), "(4, 'x')");
      const check = await new Deno.Command(PYTHON, {
        args: [
          "-c",
          `import pickle,sys; print(pickle.load(open(sys.argv[1],'rb')))`,
          `${n.proc.workDir}/multi/p.pkl`,
        ],
      }).output();
      assert.equal(text(check.stdout).trim(), "(4, 'x')");
    });

    await t.step("func_code as source and as base64 dill / pickle, func_defaults", async () => {
      const dilled = await b64("def add(a, b=1):\n    return a + b\nf = add", true);
      const pickled = await b64("f = textwrap.dedent");
      const hundred = await b64("f = 100");
      const out = (o: string) => ({ [o]: arg("", "OutputPort", "utf-8") });
      const r = await n.run("code", [
        py("S", {
          func_name: "twice",
          func_code: "def twice(word, sep='-'):\n    return sep.join([word, word])\n",
          applicationArgs: { word: arg("ab"), ...out("o") },
          outputs: [{ F1: "o" }],
        }),
        fileDrop("F1", "twice.txt", { producers: [{ S: "o" }] }),
        py("D", {
          func_name: "add",
          func_code: dilled,
          func_defaults: { b: hundred },
          applicationArgs: { a: arg(2), ...out("o") },
          outputs: [{ F2: "o" }],
        }),
        fileDrop("F2", "add.txt", { producers: [{ D: "o" }] }),
        py("P", {
          func_name: "textwrap.dedent",
          func_code: pickled,
          applicationArgs: { text: arg("    x\n    y\n"), ...out("o") },
          outputs: [{ F3: "o" }],
        }),
        fileDrop("F3", "dedent.txt", { producers: [{ P: "o" }] }),
      ]);
      assert.deepEqual(r.final, [FINISHED]);
      assert.equal(text(await n.read("code", "twice.txt")), "ab-ab");
      assert.equal(text(await n.read("code", "add.txt")), "102");
      assert.equal(text(await n.read("code", "dedent.txt")), "x\ny\n");
    });

    await t.step("Python -> TS app -> Python: pickle read by TS, npy read by Python", async () => {
      const r = await n.run("mixed", [
        py("A", {
          func_name: "ast.literal_eval",
          node_or_string: "[1, 2, 3, 4]",
          outputs: [{ L: "out" }],
        }),
        memory("L", { producers: [{ A: "out" }], consumers: [{ S: "array" }] }),
        {
          oid: "S",
          categoryType: "Application",
          dropclass: "dlg.apps.simple.GenericScatterApp",
          num_of_copies: 2,
          inputs: [{ L: "array" }],
          outputs: [{ P0: "array" }, { P1: "array" }],
        },
        memory("P0", { producers: [{ S: "array" }], consumers: [{ B: "iterable" }] }),
        memory("P1", { producers: [{ S: "array" }] }),
        py("B", {
          func_name: "builtins.sum",
          applicationArgs: {
            iterable: arg("", "InputPort", "pickle"),
            o: arg("", "OutputPort", "eval"),
          },
          inputs: [{ P0: "iterable" }],
          outputs: [{ F: "o" }],
        }),
        fileDrop("F", "sum.txt", { producers: [{ B: "o" }] }),
      ]);
      assert.deepEqual(r.final, [FINISHED]);
      assert.equal(text(await n.read("mixed", "sum.txt")), "3");
    });

    await t.step(
      "an exception fails the Drop with its text; traceback and prints in the log",
      async () => {
        const r = await n.run("boom", [
          py("A", {
            func_name: "boom",
            func_code:
              "def boom(x):\n    print('about to fail')\n    raise ValueError('bad x: %s' % x)\n",
            applicationArgs: { x: arg(7) },
            outputs: [{ F: "out" }],
          }),
          memory("F", { producers: [{ A: "out" }] }),
        ]);
        assert.deepEqual(r.final, [FAILED]);
        assertAll(r, ERROR, ["A", "F"]);
        const info = await n.drop("boom", "A");
        assert.equal(info.error, "ValueError: bad x: 7");
        const logs = info.logs.map((l) => l.Message).join("\n");
        assert.match(logs, /Traceback \(most recent call last\)/);
        assert.match(logs, /line 3, in boom/);
        assert.match(logs, /about to fail/);
      },
    );

    await t.step(
      "an unknown func_name fails the session at once, naming the import failure",
      async () => {
        // As DALiuGE's deploy: the app ERROR, its outputs and what waits on them CANCELLED.
        const r = await n.run("unknown", [
          py("A", { func_name: "no_such_pkg.fn", outputs: [{ F: "out" }] }),
          memory("F", { producers: [{ A: "out" }], consumers: ["G"] }),
          py("G", { func_name: "len", inputs: [{ F: "s" }], outputs: ["H"] }),
          memory("H", { producers: ["G"] }),
        ], 10_000);
        assert.deepEqual(r.final, [FAILED]);
        assert.deepEqual([r.status.A?.status, r.status.A?.execStatus], [ERROR, AppStates.ERROR]);
        for (const oid of ["F", "G", "H"]) assert.equal(r.status[oid]?.status, CANCELLED, oid);
        const info = await n.drop("unknown", "A");
        assert.match(info.error!, /^cannot import func_name 'no_such_pkg.fn'/);
        assert.match(info.error!, /No module named 'no_such_pkg'/);
        const details = (await n.call("GET", "/api/sessions/unknown")).body as { error: string };
        assert.match(details.error, /^Drop A failed: cannot import func_name/);
      },
    );

    await t.step("append rejects a PyFuncApp with no function", async () => {
      await n.call("POST", "/api/sessions", JSON.stringify({ sessionId: "nofn" }), {
        "content-type": "application/json",
      });
      const a = await n.call(
        "POST",
        "/api/sessions/nofn/graph/append",
        JSON.stringify([
          py("A", { func_code: "" }),
        ]),
        { "content-type": "application/json" },
      );
      assert.equal(a.status, 400);
      assert.match(JSON.stringify(a.body), /needs func_name \(module.function\) or func_code/);
    });
  });
});

async function waitDone(call: Call, sid: string) {
  assert.deepEqual(await waitEnded(call, sid, 30_000), [FINISHED]);
}
