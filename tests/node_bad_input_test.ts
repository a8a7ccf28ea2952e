/**
 * DESIGN.md §5 on a node: every bad input gets a JSON error with DALiuGE's type and our status,
 * and leaves the manager serving and the session exactly as it was.
 */
import assert from "node:assert/strict";
import { type Api, appSpec, mem, withNode } from "./_util/inproc.ts";

const GOOD = [
  mem("A", { consumers: ["B"] }),
  appSpec("B", "NullBarrierApp", { outputs: ["C"] }),
  mem("C"),
];

async function snapshot(api: Api, sid: string) {
  return {
    status: (await api.get(`/api/sessions/${sid}/status`)).body,
    size: (await api.get(`/api/sessions/${sid}/graph/size`)).body,
    graph: (await api.get(`/api/sessions/${sid}/graph`)).body,
  };
}

/** Append `body` to a BUILDING session holding GOOD; expect `status`/`type`, nothing changed. */
async function rejectsAppend(
  body: BodyInit | unknown,
  status: number,
  type: string,
  match?: RegExp,
  headers: Record<string, string> = { "content-type": "application/json" },
) {
  await withNode(async (api) => {
    await api.session("s", GOOD);
    const before = await snapshot(api, "s");
    const raw = typeof body === "string" || body instanceof Uint8Array;
    const r = await api.post(
      "/api/sessions/s/graph/append",
      raw ? body : JSON.stringify(body),
      headers,
    );
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.match(r.headers.get("content-type") ?? "", /application\/json/);
    const err = r.body as { type: string; args: unknown[] };
    assert.equal(err.type, type);
    assert.ok(Array.isArray(err.args) && err.args.length > 0, "args name the problem");
    if (match) assert.match(String(err.args[0]), match);
    assert.deepEqual(await snapshot(api, "s"), before);
    // Still serving, and the session still takes a good append and runs.
    const ok = await api.post("/api/sessions/s/graph/append", [mem("Z")]);
    assert.equal(ok.status, 200);
  }, { maxRequestSize: 64 * 1024 });
}

Deno.test("graph/append rejects a body that is not JSON", async () => {
  await rejectsAppend("[{oid: A", 400, "InvalidGraphException", /not valid JSON/);
});

Deno.test("graph/append rejects a body that is not an array", async () => {
  await rejectsAppend({ oid: "X" }, 400, "InvalidGraphException", /array/);
  await rejectsAppend([1, 2], 400, "InvalidGraphException", /object/);
});

Deno.test("graph/append rejects a Drop without oid, naming it by position", async () => {
  await rejectsAppend(
    [mem("X"), { categoryType: "Data" }],
    400,
    "InvalidGraphException",
    /Drop #1 has no oid/,
  );
});

Deno.test("graph/append rejects a Drop without categoryType", async () => {
  await rejectsAppend([{ oid: "X" }], 400, "InvalidGraphException", /Drop X has no categoryType/);
});

Deno.test("graph/append rejects an unknown categoryType", async () => {
  await rejectsAppend(
    [{ oid: "X", categoryType: "Spaceship" }],
    400,
    "InvalidGraphException",
    /Drop X has categoryType "Spaceship"/,
  );
});

Deno.test("graph/append rejects a duplicate OID in the batch", async () => {
  await rejectsAppend([mem("X"), mem("X")], 400, "InvalidGraphException", /X appears twice/);
});

Deno.test("graph/append rejects a duplicate OID already in the session", async () => {
  await rejectsAppend([mem("Y"), mem("A")], 400, "InvalidGraphException", /A is already/);
});

Deno.test("graph/append rejects an unknown dropclass and lists the supported ones", async () => {
  await rejectsAppend(
    [appSpec("X", "dlg.apps.nowhere.Nothing")],
    400,
    "InvalidGraphException",
    /Drop X: unknown application class dlg\.apps\.nowhere\.Nothing; supported: .*SleepApp/,
  );
  await rejectsAppend(
    [{ oid: "X", categoryType: "Data", dropclass: "dlg.data.drops.Nope" }],
    400,
    "InvalidGraphException",
    /supported: .*InMemoryDROP/,
  );
});

Deno.test("graph/append rejects a parameter of the wrong type, naming Drop and parameter", async () => {
  await rejectsAppend(
    [appSpec("X", "SleepApp", { sleep_time: "soon" })],
    400,
    "InvalidGraphException",
    /Drop X: parameter sleep_time/,
  );
  await rejectsAppend(
    [appSpec("X", "NullBarrierApp", { n_tries: 1.5 })],
    400,
    "InvalidGraphException",
    /n_tries/,
  );
});

Deno.test("graph/append rejects PyMemberApp naming the alternatives", async () => {
  await rejectsAppend(
    [appSpec("P", "dlg.apps.pyfunc.PyMemberApp", { func_name: "f" })],
    400,
    "InvalidGraphException",
    /Drop P: Python methods .* not supported.*PyFuncApp.*dlg\.apps\.js\.ModuleApp/,
  );
});

Deno.test("graph/append rejects malformed links", async () => {
  await rejectsAppend([mem("X", { consumers: "B" })], 400, "InvalidGraphException", /consumers/);
  await rejectsAppend([mem("X", { consumers: [{}] })], 400, "InvalidGraphException", /link/);
});

Deno.test("graph/append rejects a body over --max-request-size with 413", async () => {
  const big = [mem("X", { pad: "x".repeat(70 * 1024) })];
  await rejectsAppend(big, 413, "DaliugeException", /limit/);
});

Deno.test("graph/append rejects a compressed body that is not zlib or gzip", async () => {
  await rejectsAppend("not compressed", 400, "InvalidGraphException", /deflate/, {
    "content-type": "application/json",
    "content-encoding": "gzip",
  });
});

Deno.test("graph/append rejects a content type that is not JSON or text", async () => {
  await rejectsAppend("[]", 415, "InvalidGraphException", /Content-Type/, {
    "content-type": "application/x-www-form-urlencoded",
  });
});

async function rejectsDeploy(graph: unknown[], match: RegExp) {
  await withNode(async (api) => {
    await api.session("s", graph);
    const before = await snapshot(api, "s");
    const r = await api.post("/api/sessions/s/deploy", "completed=A", {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    const err = r.body as { type: string; args: string[] };
    assert.equal(err.type, "InvalidGraphException");
    assert.match(err.args[0]!, match);
    assert.deepEqual(await snapshot(api, "s"), before);
    assert.equal(before.status, 1, "still BUILDING");
    const gs = await api.get("/api/sessions/s/graph/status");
    assert.equal(gs.status, 400);
  });
}

Deno.test("deploy rejects a link to an OID that never arrived; the session stays BUILDING", async () => {
  await rejectsDeploy(
    [mem("A", { consumers: ["B", "GHOST"] }), appSpec("B", "NullBarrierApp")],
    /Drop A lists GHOST in consumers, but no such Drop/,
  );
});

Deno.test("deploy rejects a cycle; the session stays BUILDING", async () => {
  await rejectsDeploy(
    [
      mem("A", { consumers: ["B"] }),
      appSpec("B", "NullBarrierApp", { outputs: ["C"] }),
      mem("C", { consumers: ["D"] }),
      appSpec("D", "NullBarrierApp", { outputs: ["A"] }),
    ],
    /cycle through Drop/,
  );
});

Deno.test("deploy rejects a link between the wrong kinds of Drop", async () => {
  await rejectsDeploy([mem("A", { consumers: ["C"] }), mem("C")], /C is a data Drop/);
});

Deno.test("calls in the wrong session state get 400 InvalidSessionState naming the state", async () => {
  await withNode(async (api) => {
    await api.session("s", GOOD);
    let r = await api.post("/api/sessions/s/cancel");
    assert.equal(r.status, 400);
    assert.deepEqual((r.body as { type: string }).type, "InvalidSessionState");
    assert.match((r.body as { args: string[] }).args[0]!, /BUILDING/);
    r = await api.get("/api/sessions/s/graph/status");
    assert.equal(r.status, 400);
    assert.equal((r.body as { type: string }).type, "InvalidSessionState");
    await api.post("/api/sessions/s/deploy", "completed=A", {
      "content-type": "application/x-www-form-urlencoded",
    });
    await api.until("s", [4]);
    const before = await snapshot(api, "s");
    for (
      const [path, body] of [
        ["/api/sessions/s/deploy", undefined],
        ["/api/sessions/s/graph/append", [mem("N")]],
        ["/api/sessions/s/cancel", undefined],
      ] as const
    ) {
      r = await api.post(path, body);
      assert.equal(r.status, 400, path);
      assert.equal((r.body as { type: string }).type, "InvalidSessionState", path);
      assert.match((r.body as { args: string[] }).args[0]!, /FINISHED/, path);
    }
    assert.deepEqual(await snapshot(api, "s"), before);
  });
});

Deno.test("an unknown session is 404 NoSessionException on every session route", async () => {
  await withNode(async (api) => {
    const gets = ["", "/status", "/graph", "/graph/size", "/graph/status", "/graph/drop/A", "/dir"];
    for (const p of gets) {
      const r = await api.get(`/api/sessions/nope${p}`);
      assert.equal(r.status, 404, p);
      assert.deepEqual(r.body, { type: "NoSessionException", args: ["nope"] }, p);
    }
    for (const p of ["/deploy", "/cancel", "/graph/append", "/trigger"]) {
      const r = await api.post(
        `/api/sessions/nope${p}`,
        p.endsWith("append") || p.endsWith("trigger") ? [] : undefined,
      );
      assert.equal(r.status, 404, p);
      assert.equal((r.body as { type: string }).type, "NoSessionException", p);
    }
    const d = await api.del("/api/sessions/nope");
    assert.equal(d.status, 404);
  });
});

Deno.test("an unknown Drop is 404 NoDropException; unknown routes are JSON 404s", async () => {
  await withNode(async (api) => {
    await api.session("s", GOOD);
    const r = await api.get("/api/sessions/s/graph/drop/A");
    assert.equal(r.status, 404);
    assert.equal((r.body as { type: string }).type, "NoDropException");
    assert.match((r.body as { args: string[] }).args[1]!, /not created yet/);
    const x = await api.get("/api/nowhere");
    assert.equal(x.status, 404);
    assert.match(x.headers.get("content-type") ?? "", /application\/json/);
  });
});

Deno.test("graph/append rejects a file Drop outside the session directory", async () => {
  await rejectsAppend(
    [{
      oid: "F",
      categoryType: "Data",
      dropclass: "dlg.data.drops.file.FileDROP",
      filepath: "/etc/dlg-x",
    }],
    400,
    "InvalidGraphException",
    /Drop F: file path \/etc\/dlg-x is outside the session directory/,
  );
  await rejectsAppend(
    [{
      oid: "F",
      categoryType: "Data",
      dropclass: "dlg.data.drops.file.FileDROP",
      filepath: "../../x",
    }],
    400,
    "InvalidGraphException",
    /outside/,
  );
});

Deno.test("--allow-path lets file Drops use another directory", async () => {
  const extra = await Deno.makeTempDir({ prefix: "dlg-allowed-" });
  try {
    await withNode(async (api) => {
      await api.session("s", [
        {
          oid: "H",
          categoryType: "Application",
          dropclass: "dlg.apps.simple.HelloWorldApp",
          outputs: ["F"],
        },
        {
          oid: "F",
          categoryType: "Data",
          dropclass: "dlg.data.drops.file.FileDROP",
          filepath: `${extra}/out.txt`,
        },
      ]);
      await api.post("/api/sessions/s/deploy", { completed: ["H"] });
      await api.until("s", [4]);
      assert.equal(await Deno.readTextFile(`${extra}/out.txt`), "Hello World");
    }, { allowedPaths: [extra] });
  } finally {
    await Deno.remove(extra, { recursive: true });
  }
});
