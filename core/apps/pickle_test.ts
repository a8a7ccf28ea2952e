import assert from "node:assert/strict";
import { decodePickle, encodePickle, isPickle, PickleError } from "./pickle.ts";
import { decodeValue } from "./values.ts";
import { toNumbers } from "./npy.ts";

const hex = (s: string) => new Uint8Array(s.match(/../g)!.map((b) => parseInt(b, 16)));
const b = (s: string) => new Uint8Array([...s].map((c) => c.charCodeAt(0)));

// Made by Python 3.11's pickle.dumps(..., protocol=4) and dill 0.3.6.

const STRINGS = b(
  "\x80\x04\x95\x0e\x00\x00\x00\x00\x00\x00\x00]\x94(\x8c\x02a\n\x94\x8c\x01b\x94e.",
);
const TUPLE = b("\x80\x04\x95\x07\x00\x00\x00\x00\x00\x00\x00K\x01K\x07\x86\x94.");
const DILL_ARRAY = b(
  "\x80\x04\x95\xc2\x00\x00\x00\x00\x00\x00\x00\x8c\ndill._dill\x94\x8c\r_create_array\x94\x93" +
    "\x94(\x8c\x15numpy.core.multiarray\x94\x8c\x0c_reconstruct\x94\x93\x94\x8c\x05numpy\x94" +
    "\x8c\x07ndarray\x94\x93\x94K\x00\x85\x94C\x01b\x94\x87\x94(K\x01K\x03\x85\x94h\x06\x8c" +
    "\x05dtype\x94\x93\x94\x8c\x02i8\x94\x89\x88\x87\x94R\x94(K\x03\x8c\x01<\x94NNNJ\xff\xff" +
    "\xff\xffJ\xff\xff\xff\xffK\x00t\x94b\x89C\x18\x01\x00\x00\x00\x00\x00\x00\x00\x02\x00\x00" +
    "\x00\x00\x00\x00\x00\x03\x00\x00\x00\x00\x00\x00\x00\x94t\x94Nt\x94R\x94.",
);

Deno.test("decodePickle reads Python's pickles of plain values", () => {
  assert.deepEqual(decodePickle(hex("80044b032e")), 3);
  assert.deepEqual(decodePickle(STRINGS), ["a\n", "b"]);
  assert.deepEqual(decodePickle(TUPLE), [1, 7]);
  assert.deepEqual(decodePickle(hex("80044e2e")), null);
  assert.ok(isPickle(STRINGS) && !isPickle(b("[1, 2]")));
});

Deno.test("decodePickle rebuilds a dill-pickled numpy array without running anything", () => {
  const a = decodePickle(DILL_ARRAY) as { dtype: string; shape: number[] };
  assert.equal(a.dtype, "<i8");
  assert.deepEqual(a.shape, [3]);
  assert.deepEqual(toNumbers(a as never), [1, 2, 3]);
});

Deno.test("decodePickle refuses other classes, naming them", () => {
  const evil = b("\x80\x04\x8c\x02os\x94\x8c\x06system\x94\x93\x94\x8c\x02id\x94\x85\x94R\x94.");
  assert.throws(
    () => decodePickle(evil),
    (e) => e instanceof PickleError && /os\.system/.test(e.message),
  );
  assert.throws(
    () => decodeValue(evil),
    /os\.system.*give the Python output port encoding npy \(arrays\), eval or utf-8/,
  );
});

Deno.test("encodePickle round-trips through decodePickle", () => {
  const values = [
    0,
    255,
    256,
    70000,
    -5,
    2 ** 40,
    -(2 ** 40),
    1.5,
    "héllo",
    null,
    true,
    [1, ["x"]],
    {
      a: 1,
      b: [null],
    },
  ];
  for (const v of values) assert.deepEqual(decodePickle(encodePickle(v)), v);
  assert.deepEqual([...encodePickle(3)], [0x80, 4, 0x4b, 3, 0x2e]);
});

Deno.test("encodePickle is what Python's pickle loads", async () => {
  const value = { n: [1, -2, 2 ** 40, 1.25], s: "héllo", t: true, z: null };
  const out = await new Deno.Command("/usr/bin/python3", {
    args: [
      "-c",
      "import pickle, sys, json; print(json.dumps(pickle.loads(sys.stdin.buffer.read())))",
    ],
    stdin: "piped",
    stdout: "piped",
  }).spawn();
  const w = out.stdin.getWriter();
  await w.write(encodePickle(value));
  await w.close();
  const r = await out.output();
  assert.deepEqual(JSON.parse(new TextDecoder().decode(r.stdout)), value);
});
