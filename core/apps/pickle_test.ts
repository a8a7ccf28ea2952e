import assert from "node:assert/strict";
import { decodePickle, encodePickle, isPickle, PickleError } from "./pickle.ts";
import { decodeValue, isNdArray } from "./values.ts";
import { type NdArray, toNumbers } from "./npy.ts";

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

// numpy 2 (2.4) moved numpy.core to numpy._core: what its pickle and dill 0.3.6 write, base64.
const NP2_PICKLE_ARRAY =
  "gASVuwAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsCSwOGlGgDjAVkdHlwZZSTlIwCZjiUiYiHlFKUKEsDjAE8lE5OTkr/////Sv////9LAHSUYolDMAAAAAAAAAAAAAAAAAAA8D8AAAAAAAAAQAAAAAAAAAhAAAAAAAAAEEAAAAAAAAAUQJR0lGIu";
const NP2_DILL_ARRAY =
  "gASV3QAAAAAAAACMCmRpbGwuX2RpbGyUjA1fY3JlYXRlX2FycmF5lJOUKIwWbnVtcHkuX2NvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlChLAUsCSwOGlGgGjAVkdHlwZZSTlIwCZjiUiYiHlFKUKEsDjAE8lE5OTkr/////Sv////9LAHSUYolDMAAAAAAAAAAAAAAAAAAA8D8AAAAAAAAAQAAAAAAAAAhAAAAAAAAAEEAAAAAAAAAUQJR0lE50lFKULg==";
// [arange(3.), float64(2.0), {"n": int32(7)}]: arrays and scalars, by numpy 1.24 and 2.4.
const NP1_MIXED =
  "gASV+gAAAAAAAABdlCiMFW51bXB5LmNvcmUubXVsdGlhcnJheZSMDF9yZWNvbnN0cnVjdJSTlIwFbnVtcHmUjAduZGFycmF5lJOUSwCFlEMBYpSHlFKUKEsBSwOFlGgEjAVkdHlwZZSTlIwCZjiUiYiHlFKUKEsDjAE8lE5OTkr/////Sv////9LAHSUYolDGAAAAAAAAAAAAAAAAAAA8D8AAAAAAAAAQJR0lGJoAYwGc2NhbGFylJOUaBBDCAAAAAAAAABAlIaUUpR9lIwBbpRoFmgNjAJpNJSJiIeUUpQoSwNoEU5OTkr/////Sv////9LAHSUYkMEBwAAAJSGlFKUc2Uu";
const NP2_MIXED =
  "gASV+wAAAAAAAABdlCiMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAxfcmVjb25zdHJ1Y3SUk5SMBW51bXB5lIwHbmRhcnJheZSTlEsAhZRDAWKUh5RSlChLAUsDhZRoBIwFZHR5cGWUk5SMAmY4lImIh5RSlChLA4wBPJROTk5K/////0r/////SwB0lGKJQxgAAAAAAAAAAAAAAAAAAPA/AAAAAAAAAECUdJRiaAGMBnNjYWxhcpSTlGgQQwgAAAAAAAAAQJSGlFKUfZSMAW6UaBZoDYwCaTSUiYiHlFKUKEsDaBFOTk5K/////0r/////SwB0lGJDBAcAAACUhpRSlHNlLg==";
// dill.dumps(numpy.bool_(True)) under numpy 2.
const NP2_DILL_B1 =
  "gASVYwAAAAAAAACMFm51bXB5Ll9jb3JlLm11bHRpYXJyYXmUjAZzY2FsYXKUk5SMBW51bXB5lIwFZHR5cGWUk5SMAmIxlImIh5RSlChLA4wBfJROTk5K/////0r/////SwB0lGJDAQGUhpRSlC4=";
const b64 = (s: string) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const described = (a: NdArray) => [a.dtype, a.shape, toNumbers(a)];

Deno.test("decodePickle reads numpy 2's arrays (numpy._core), pickled and dilled", () => {
  for (const bytes of [NP2_PICKLE_ARRAY, NP2_DILL_ARRAY]) {
    const a = decodePickle(b64(bytes)) as NdArray;
    assert.deepEqual(described(a), ["<f8", [2, 3], [0, 1, 2, 3, 4, 5]]);
  }
  const v = decodeValue(b64(NP2_PICKLE_ARRAY));
  assert.ok(isNdArray(v) && v.shape.length === 2);
});

Deno.test("decodePickle reads numpy scalars of numpy 1 and 2 as 0-d arrays", () => {
  for (const bytes of [NP1_MIXED, NP2_MIXED]) {
    const [a, x, d] = decodePickle(b64(bytes)) as [NdArray, NdArray, { n: NdArray }];
    assert.deepEqual(described(a), ["<f8", [3], [0, 1, 2]]);
    assert.deepEqual(described(x), ["<f8", [], [2]]);
    assert.deepEqual(described(d.n), ["<i4", [], [7]]);
  }
  assert.deepEqual(described(decodePickle(b64(NP2_DILL_B1)) as NdArray), ["|b1", [], [1]]);
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
