import assert from "node:assert/strict";
import { waitFor } from "../core/testing/mod.ts";
import { appSpec, file, mem, withNode } from "./_util/inproc.ts";

const FINISHED = 4;

Deno.test("GET /api/submission_method answers DALiuGE's methods", async () => {
  await withNode(async (api) => {
    const r = await api.get("/api/submission_method");
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { methods: ["BROWSER", "SERVER"] });
  });
});

Deno.test("POST /api/sessions creates a PRISTINE session and rejects a duplicate id", async () => {
  await withNode(async (api) => {
    const r = await api.post("/api/sessions", { sessionId: "s1" });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { sessionId: "s1" });
    const dup = await api.post("/api/sessions", { sessionId: "s1" });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.body, { type: "SessionAlreadyExistsException", args: ["s1"] });
    assert.deepEqual((await api.get("/api/sessions")).body, [
      { sessionId: "s1", status: 0, size: 0 },
    ]);
    const s = await api.get("/api/sessions/s1");
    assert.deepEqual(s.body, { status: 0, graph: {}, dir: { dir: `${api.workDir}/s1` } });
    assert.equal((await api.get("/api/sessions/s1/status")).body, 0);
    assert.deepEqual((await api.get("/api")).body, {
      sessions: [{ sessionId: "s1", status: 0, size: 0 }],
    });
    assert.ok((await Deno.stat(`${api.workDir}/s1`)).isDirectory);
  });
});

Deno.test("POST /api/sessions rejects a body without a usable sessionId", async () => {
  await withNode(async (api) => {
    for (const body of [{}, { sessionId: "" }, { sessionId: 3 }, { sessionId: "a/b" }, "[1"]) {
      const r = await api.post("/api/sessions", body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal((r.body as { type: string }).type, "DaliugeException");
    }
    assert.deepEqual((await api.get("/api/sessions")).body, []);
  });
});

Deno.test("the reference example runs to FINISHED and copies the data", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("A", { node: "localhost:8000", consumers: ["B"], pydata: "payload" }),
      appSpec("B", "SleepAndCopyApp", { sleep_time: 0.05, outputs: ["C"] }),
      mem("C"),
      {},
    ]);
    assert.equal((await api.get("/api/sessions/s/status")).body, 1);
    assert.equal((await api.get("/api/sessions/s/graph/size")).body, 3);
    const d = await api.post("/api/sessions/s/deploy", "completed=A", {
      "content-type": "application/x-www-form-urlencoded",
    });
    assert.equal(d.status, 200);
    assert.deepEqual(d.body, { Status: "Success" });
    await api.until("s", [FINISHED]);
    assert.deepEqual((await api.get("/api/sessions/s/graph/status")).body, {
      A: { status: 2 },
      B: { status: 2, execStatus: 2 },
      C: { status: 2 },
    });
    const c = api.nm.get("s").drop("C") as unknown as { store: { bytes(): Uint8Array } };
    assert.equal(new TextDecoder().decode(c.store.bytes()), "payload");
  });
});

Deno.test("GET /api/sessions/<sid>/graph returns the specs as appended, minus parsers", async () => {
  await withNode(async (api) => {
    const spec = mem("A", { input_parser: "pickle", iid: "0", weight: 1 });
    await api.session("s", [spec]);
    const g = await api.get("/api/sessions/s/graph");
    assert.deepEqual(g.body, {
      A: {
        oid: "A",
        categoryType: "Data",
        dropclass: "dlg.data.drops.memory.InMemoryDROP",
        iid: "0",
        weight: 1,
      },
    });
  });
});

Deno.test("graph/append accepts zlib labelled gzip, real gzip, text/plain and any case of the media type", async () => {
  await withNode(async (api) => {
    await api.session("s");
    const json = (oid: string) => new TextEncoder().encode(JSON.stringify([mem(oid), {}]));
    const compress = async (bytes: Uint8Array<ArrayBuffer>, format: CompressionFormat) =>
      new Uint8Array(
        await new Response(new Blob([bytes]).stream().pipeThrough(new CompressionStream(format)))
          .arrayBuffer(),
      );
    const zlib = await compress(json("Z"), "deflate");
    let r = await api.post("/api/sessions/s/graph/append", zlib, {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await api.post("/api/sessions/s/graph/append", await compress(json("G"), "gzip"), {
      "content-type": "application/json",
      "content-encoding": "gzip",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    r = await api.post("/api/sessions/s/graph/append", JSON.stringify([mem("T"), { rmode: "1" }]), {
      "content-type": "text/plain; charset=utf-8",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    // Media types are case-insensitive.
    r = await api.post("/api/sessions/s/graph/append", JSON.stringify([mem("U")]), {
      "content-type": "Application/JSON; charset=UTF-8",
    });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual(Object.keys((await api.get("/api/sessions/s/graph")).body as object), [
      "Z",
      "G",
      "T",
      "U",
    ]);
  });
});

Deno.test("graph/append accepts {oid: port} links and applicationArgs overriding top-level keys", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("A", { consumers: [{ B: "in" }] }),
      appSpec("B", "HelloWorldApp", {
        greet: "top",
        applicationArgs: { greet: { value: "args", usage: "NoPort" } },
        inputs: [{ A: "in" }],
        outputs: [{ C: "out" }],
      }),
      mem("C", { producers: [{ B: "out" }] }),
    ]);
    await api.post("/api/sessions/s/deploy", "completed=A", {
      "content-type": "application/x-www-form-urlencoded",
    });
    await api.until("s", [FINISHED]);
    const c = api.nm.get("s").drop("C") as unknown as { store: { bytes(): Uint8Array } };
    // One input: HelloWorldApp greets the first element of its input, which is empty here.
    assert.equal(new TextDecoder().decode(c.store.bytes()), "Hello, ");
    assert.equal(
      (api.nm.get("s").drop("B") as unknown as { params: { greet: string } }).params.greet,
      "args",
    );
  });
});

Deno.test("HelloWorldApp greets `greet` into a FileDROP under the session directory", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("H", "HelloWorldApp", { greet: "Everybody", outputs: ["F"] }),
      file("F", { filepath: "out/hello.txt" }),
    ]);
    await Deno.mkdir(`${api.workDir}/s/out`);
    await api.post("/api/sessions/s/deploy", "completed=H", {
      "content-type": "application/x-www-form-urlencoded",
    });
    await api.until("s", [FINISHED]);
    assert.equal(await Deno.readTextFile(`${api.workDir}/s/out/hello.txt`), "Hello Everybody");
    const f = await api.get("/api/sessions/s/graph/drop/data/F");
    assert.deepEqual(f.body, { filepath: `${api.workDir}/s/out/hello.txt` });
  });
});

Deno.test("deploy of an empty PRISTINE session finishes it at once", async () => {
  await withNode(async (api) => {
    await api.session("s");
    const r = await api.post("/api/sessions/s/deploy");
    assert.equal(r.status, 200);
    assert.equal((await api.get("/api/sessions/s/status")).body, FINISHED);
  });
});

Deno.test("deploy takes completed as a JSON list too, and ignores unknown UIDs", async () => {
  await withNode(async (api) => {
    await api.session("s", [mem("A", { consumers: ["B"] }), appSpec("B", "NullBarrierApp")]);
    const r = await api.post("/api/sessions/s/deploy", { completed: ["A", "nope"] });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await api.until("s", [FINISHED]);
  });
});

Deno.test("an app root starts only when listed in completed", async () => {
  await withNode(async (api) => {
    await api.session("s", [appSpec("R", "NullBarrierApp", { outputs: ["D"] }), mem("D")]);
    await api.post("/api/sessions/s/deploy");
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual((await api.get("/api/sessions/s/graph/status")).body, {
      R: { status: 0, execStatus: 0 },
      D: { status: 0 },
    });
    const t = await api.post("/api/sessions/s/trigger", ["R"]);
    assert.equal(t.status, 200);
    await api.until("s", [FINISHED]);
  });
});

Deno.test("a failed app fails its outputs and downstream apps, and the session is FAILED", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("A", "dlg.apps.bash_shell_app.BashShellApp", {
        command: "echo boom >&2; exit 3",
        outputs: ["D"],
      }),
      mem("D", { consumers: ["B"] }),
      appSpec("B", "NullBarrierApp", { outputs: ["E"] }),
      mem("E"),
    ]);
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    await api.until("s", [6]);
    const st = (await api.get("/api/sessions/s/graph/status")).body;
    assert.deepEqual(st, {
      A: { status: 3, execStatus: 3 },
      D: { status: 3 },
      B: { status: 3, execStatus: 3 },
      E: { status: 3 },
    });
    const info = (await api.get("/api/sessions/s/graph/drop/A")).body as Record<string, unknown>;
    assert.equal(info.state, "ERROR");
    assert.match(String(info.error), /exited with code 3: boom/);
    assert.ok((info.logs as { Level: string }[]).some((l) => l.Level === "ERROR"));
  });
});

Deno.test("input_error_threshold lets an app run with some failed inputs", async () => {
  await withNode(async (api) => {
    const bash = "dlg.apps.bash_shell_app.BashShellApp";
    await api.session("s", [
      appSpec("F", bash, { command: "exit 1", outputs: ["D1"] }),
      appSpec("OK", "NullBarrierApp", { outputs: ["D2"] }),
      mem("D1", { consumers: ["G"] }),
      mem("D2", { consumers: ["G"] }),
      appSpec("G", "NullBarrierApp", { input_error_threshold: 50, outputs: ["E"] }),
      mem("E"),
    ]);
    await api.post("/api/sessions/s/deploy", { completed: ["F", "OK"] });
    await api.until("s", [6]);
    const st = (await api.get("/api/sessions/s/graph/status")).body as Record<
      string,
      { status: number }
    >;
    assert.equal(st.G!.status, 2);
    assert.equal(st.E!.status, 2);
  });
});

Deno.test("n_tries retries a failing app", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("A", "dlg.apps.bash_shell_app.BashShellApp", {
        command: "test -f tried || { touch tried; exit 1; }",
        n_tries: 2,
        outputs: ["D"],
      }),
      mem("D"),
    ]);
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    await api.until("s", [FINISHED]);
  });
});

Deno.test("an EndDROP ends the session and skips what has not started", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("A", "NullBarrierApp", { outputs: ["END"] }),
      { oid: "END", categoryType: "Data", dropclass: "dlg.data.drops.data_base.EndDROP" },
      appSpec("B", "SleepApp", { sleep_time: 5, outputs: ["X"] }),
      mem("X"),
    ]);
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    await api.until("s", [FINISHED]);
    const st = (await api.get("/api/sessions/s/graph/status")).body as Record<
      string,
      { status: number }
    >;
    assert.equal(st.END!.status, 2);
    assert.equal(st.B!.status, 7);
    assert.equal(st.X!.status, 7);
  });
});

Deno.test("graph/link adds a link before deploy", async () => {
  await withNode(async (api) => {
    await api.session("s", [mem("A"), appSpec("B", "NullBarrierApp")]);
    const r = await api.post("/api/sessions/s/graph/link?lhOID=A&rhOID=B&linkType=0");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    await api.until("s", [FINISHED]);
    assert.deepEqual((await api.get("/api/sessions/s/graph")).body, {
      A: { ...mem("A"), consumers: ["B"] },
      B: appSpec("B", "NullBarrierApp"),
    });
  });
});

Deno.test("graph/link of a link the spec already has changes nothing", async () => {
  await withNode(async (api) => {
    await api.session("s", [mem("A", { consumers: ["B"] }), appSpec("B", "NullBarrierApp")]);
    const r = await api.post("/api/sessions/s/graph/link?lhOID=A&rhOID=B&linkType=0");
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.deepEqual((await api.get("/api/sessions/s/graph")).body, {
      A: mem("A", { consumers: ["B"] }),
      B: appSpec("B", "NullBarrierApp"),
    });
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    await api.until("s", [FINISHED]);
  });
});

Deno.test("DELETE /api/sessions/<sid> of a running session cancels its Drops", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      appSpec("A", "SleepApp", { sleep_time: 30, outputs: ["D"] }),
      mem("D"),
    ]);
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    const sess = api.nm.get("s");
    const a = sess.drop("A") as unknown as { execStatus: number; status: number };
    const r = await api.del("/api/sessions/s");
    assert.equal(r.status, 200);
    assert.equal(a.status, 6);
    assert.equal(a.execStatus, 4);
    assert.equal((await api.get("/api/sessions/s/status")).status, 404);
  });
});

Deno.test("CORS headers answer requests from allowed origins, preflight included", async () => {
  await withNode(async (api) => {
    const { createApp } = await import("../core/rest/mod.ts");
    const app = createApp(api.nm, { allowOrigins: ["http://ui.example"] });
    const r = await app.request("/api/sessions", {
      headers: { origin: "http://dlg-tm.localhost" },
    });
    assert.equal(r.headers.get("access-control-allow-origin"), "http://dlg-tm.localhost");
    assert.equal(r.headers.get("access-control-allow-credentials"), "true");
    await r.body?.cancel();
    const pre = await app.request("/api/sessions/s/graph/append", {
      method: "OPTIONS",
      headers: { origin: "http://ui.example", "access-control-request-method": "POST" },
    });
    assert.ok(pre.status < 300);
    assert.match(pre.headers.get("access-control-allow-headers") ?? "", /Content-Encoding/);
    assert.match(pre.headers.get("access-control-allow-methods") ?? "", /POST/);
  });
});

Deno.test("memory Drops expire after their consumers finish, then are deleted; persist keeps them", async () => {
  await withNode(async (api) => {
    await api.session("s", [
      mem("A", { consumers: ["B"], pydata: "x" }),
      appSpec("B", "CopyApp", { outputs: ["C", "P"] }),
      mem("C"),
      mem("P", { persist: true }),
      file("F", { producers: ["B"] }),
    ]);
    await api.post("/api/sessions/s/deploy", { completed: ["A"] });
    await api.until("s", [FINISHED]);
    // Right after the session finishes its Drops still read COMPLETED, as in DALiuGE.
    const status = async () =>
      (await api.get("/api/sessions/s/graph/status")).body as Record<string, { status: number }>;
    // A: COMPLETED -> EXPIRED -> DELETED; a leaf memory Drop (C) expires too.
    const st = await waitFor(status, {
      until: (st) => st.A!.status === 5 && st.C!.status === 5,
      timeout: 5000,
      what: "A and C DELETED",
    });
    assert.equal(st.P!.status, 2, "persist keeps it");
    assert.equal(st.F!.status, 2, "files do not expire");
    const a = api.nm.get("s").drop("A") as unknown as { store: { size: number } };
    assert.equal(a.store.size, 0, "memory released");
  }, { dlmCheckPeriod: 0.05, dlmCleanupPeriod: 0.05 });
});
