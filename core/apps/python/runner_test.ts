import assert from "node:assert/strict";
import { PythonPool } from "./pool.ts";
import type { CallMsg } from "./protocol.ts";
import { decodeValue, isNdArray } from "../values.ts";
import { toNumbers } from "../npy.ts";
import { concatBytes } from "../../graph/mod.ts";

const PYTHON = "/usr/bin/python3"; // numpy 1.24, as DALiuGE's reference node
const dec = new TextDecoder();
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

async function withPool(fn: (pool: PythonPool) => Promise<void>, python = PYTHON) {
  const pool = new PythonPool({ python, size: 1 });
  try {
    await fn(pool);
  } finally {
    await pool.stop();
  }
}

/** The bytes of output 0 of `msg`'s call. */
async function output0(pool: PythonPool, msg: Partial<CallMsg>): Promise<Uint8Array> {
  const r = await pool.call({ inputs: [], outputs: [{ port: "o", encoding: "eval" }], ...msg }, []);
  return concatBytes(r.outputs[0]!);
}

// numpy.save(f, numpy.array(value)) by numpy 1.24 and 2.4 alike, base64.
const SAVED: [string, string][] = [
  [
    "7",
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGk4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoHAAAAAAAAAA==",
  ],
  [
    "b'hi'",
    "k05VTVBZAQB2AHsnZGVzY3InOiAnfFMyJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIApoaQ==",
  ],
  [
    "1.5",
    "k05VTVBZAQB2AHsnZGVzY3InOiAnPGY4JywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoAAAAAAAD4Pw==",
  ],
  [
    "True",
    "k05VTVBZAQB2AHsnZGVzY3InOiAnfGIxJywgJ2ZvcnRyYW5fb3JkZXInOiBGYWxzZSwgJ3NoYXBlJzogKCksIH0gICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgIAoB",
  ],
];

Deno.test("runner npy output of a scalar is numpy.save of numpy.array(value): shape ()", async () => {
  await withPool(async (pool) => {
    for (const [expr, saved] of SAVED) {
      const out = await output0(pool, {
        func_name: "value",
        func_code: `def value():\n    return ${expr}\n`,
        outputs: [{ port: "o", encoding: "npy" }],
      });
      assert.deepEqual(out, b64(saved), expr);
    }
  });
});

Deno.test("runner npy output of a strided array is written C-ordered", async () => {
  await withPool(async (pool) => {
    const out = await output0(pool, {
      func_name: "cols",
      func_code: "import numpy\ndef cols():\n    return numpy.arange(6).reshape(2, 3)[:, ::2]\n",
      outputs: [{ port: "o", encoding: "npy" }],
    });
    const a = decodeValue(out);
    assert.ok(isNdArray(a));
    assert.deepEqual([a.shape, toNumbers(a)], [[2, 2], [0, 2, 3, 5]]);
  });
});

// A C function's shape: a text signature with keyword-only parameters the function itself
// tells apart from absent ones (numpy's ufuncs refuse dtype=None with signature=None).
const KWONLY = `import inspect
P = inspect.Parameter
def kw(x, **given):
    return [x, sorted(given.items())]
kw.__signature__ = inspect.Signature([
    P("x", P.POSITIONAL_OR_KEYWORD), P("k", P.KEYWORD_ONLY, default=5),
    P("j", P.KEYWORD_ONLY, default=None), P("r", P.KEYWORD_ONLY)])
`;

Deno.test("runner passes a keyword-only parameter only when the graph gives it", async () => {
  await withPool(async (pool) => {
    const kw = (args: CallMsg["args"], extra: Partial<CallMsg> = {}) =>
      output0(pool, { func_name: "kw", func_code: KWONLY, args, ...extra }).then((b) =>
        dec.decode(b)
      );
    assert.equal(await kw({ x: { value: 1 }, r: { value: 0.5 } }), "[1, [('r', 0.5)]]");
    assert.equal(
      await kw({ x: { value: 1 }, r: { value: 2 }, j: { value: "J" } }),
      "[1, [('j', 'J'), ('r', 2)]]",
    );
    assert.equal(await kw({ x: { value: 1 } }, { top: { r: 3 } }), "[1, [('r', 3)]]");
    await assert.rejects(kw({ x: { value: 1 } }), /missing argument 'r'/);
  });
});

Deno.test("runner feeds a keyword-only parameter from a port or func_defaults", async () => {
  await withPool(async (pool) => {
    const r = await pool.call({
      func_name: "kw",
      func_code: KWONLY,
      func_defaults: { r: 9 },
      args: { x: { value: 1 } },
      inputs: [{ port: "k", encoding: "eval", payload: 0 }],
      outputs: [{ port: "o", encoding: "eval" }],
    }, [new TextEncoder().encode("6")]);
    assert.equal(dec.decode(r.outputs[0]![0]), "[1, [('k', 6), ('r', 9)]]");
  });
});

Deno.test("runner keeps positional parameters' defaults explicit, as DALiuGE passes them", async () => {
  await withPool(async (pool) => {
    const code = "def pos(a, b=2, *, k=3, **given):\n    return [a, b, k, sorted(given)]\n";
    const out = await output0(pool, {
      func_name: "pos",
      func_code: code,
      args: { a: { value: 1 } },
    });
    assert.equal(dec.decode(out), "[1, 2, 3, []]");
  });
});

Deno.test("runner passes a required parameter the graph sets to '' as '', and still names one it does not set", async () => {
  await withPool(async (pool) => {
    // hello_universe-style: string2json with an empty string gives "" (DALiuGE: None, the same).
    const out = await output0(pool, {
      func_name: "dlg.apps.simple_functions.string2json",
      args: { string: { value: "" } },
      outputs: [{ port: "o", encoding: "pickle" }],
    });
    assert.equal(decodeValue(out), "");
    await assert.rejects(
      () => output0(pool, { func_name: "dlg.apps.simple_functions.string2json", args: {} }),
      /missing argument 'string'/,
    );
  });
});
