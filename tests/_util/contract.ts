/**
 * One contract for DALiuGE's common routes, run by each tier's test file
 * (contract_{node,island,master}_test.ts): the same calls give the same statuses, error types and
 * session states. What differs between tiers is a parameter of `runContract`, not a branch here.
 */
import assert from "node:assert/strict";
import { waitFor } from "../../core/testing/mod.ts";
import { appSpec as app, mem } from "./inproc.ts";
import { type Tier, type TierApi, withTier } from "./tiers.ts";

export interface ContractOptions {
  tier: Tier;
  /** A session status (GET .../status, or a listed session's) as one state per node. */
  flatten(status: unknown): number[];
  /** How many nodes a session spans: the length of a flattened status. */
  nodes: number;
  /** The body of GET /api while session "s1" exists. */
  info(api: TierApi): unknown;
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };

interface Summary {
  sessionId: string;
  size: number;
  status: unknown;
}

/** A -> copy -> C -> copy -> E, spread over two nodes above the node tier. */
const chain = () => [
  mem("A", { pydata: "payload", consumers: ["B"] }),
  app("B", "CopyApp", { outputs: ["C"] }),
  mem("C", { consumers: ["D"] }),
  app("D", "CopyApp", { outputs: ["E"] }),
  mem("E"),
  {},
];

async function created(api: TierApi, sid: string, graph?: Record<string, unknown>[]) {
  const r = await api.post("/api/sessions", { sessionId: sid });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  if (graph) {
    const a = await api.post(`/api/sessions/${sid}/graph/append`, api.place(graph));
    assert.equal(a.status, 200, JSON.stringify(a.body));
  }
}

/** Register the contract's tests for one tier. */
export function runContract(opts: ContractOptions): void {
  const { tier, flatten } = opts;
  const states = async (api: TierApi, sid: string) =>
    flatten((await api.get(`/api/sessions/${sid}/status`)).body);
  const all = (state: number) => Array<number>(opts.nodes).fill(state);

  Deno.test(`${tier}: sessions are created, listed, shown and deleted`, async () => {
    await withTier(tier, async (api) => {
      assert.deepEqual((await api.get("/api/submission_method")).body, {
        methods: ["BROWSER", "SERVER"],
      });
      await created(api, "s1");
      const dup = await api.post("/api/sessions", { sessionId: "s1" });
      assert.equal(dup.status, 409);
      assert.deepEqual(dup.body, { type: "SessionAlreadyExistsException", args: ["s1"] });
      const bad = await api.post("/api/sessions", { sessionId: "" });
      assert.equal(bad.status, 400);
      const list = (await api.get("/api/sessions")).body as Summary[];
      assert.deepEqual(list.map((x) => [x.sessionId, x.size, flatten(x.status)]), [
        ["s1", 0, all(0)],
      ]);
      assert.deepEqual((await api.get("/api")).body, opts.info(api));
      const shown = (await api.get("/api/sessions/s1")).body as { status: unknown; graph: unknown };
      assert.deepEqual(flatten(shown.status), all(0));
      assert.deepEqual(shown.graph, {});
      assert.deepEqual(await states(api, "s1"), all(0));
      assert.equal((await api.get("/api/sessions/s1/graph/size")).body, 0);
      assert.deepEqual((await api.get("/api/sessions/s1/graph")).body, {});
      assert.deepEqual((await api.del("/api/sessions/s1")).body, { Status: "Success" });
      assert.deepEqual((await api.get("/api/sessions")).body, []);
    });
  });

  Deno.test(`${tier}: an unknown session is 404 NoSessionException on every route`, async () => {
    await withTier(tier, async (api) => {
      const calls = [
        api.get("/api/sessions/nope"),
        api.get("/api/sessions/nope/status"),
        api.get("/api/sessions/nope/graph"),
        api.get("/api/sessions/nope/graph/status"),
        api.get("/api/sessions/nope/graph/size"),
        api.post("/api/sessions/nope/graph/append", [mem("A")]),
        api.post("/api/sessions/nope/deploy", "", FORM),
        api.post("/api/sessions/nope/cancel"),
        api.del("/api/sessions/nope"),
      ];
      for (const r of await Promise.all(calls)) {
        assert.equal(r.status, 404);
        assert.deepEqual(r.body, { type: "NoSessionException", args: ["nope"] });
      }
    });
  });

  Deno.test(`${tier}: a bad append is refused and changes nothing`, async () => {
    await withTier(tier, async (api) => {
      await created(api, "s", [mem("X")]);
      const bad: [BodyInit | unknown, string][] = [
        ["[1", "InvalidGraphException"],
        [{ oid: "A" }, "InvalidGraphException"],
        [[{ categoryType: "Data" }], "InvalidGraphException"],
        [api.place([mem("A"), mem("A")]), "InvalidGraphException"],
        [api.place([mem("X")]), "InvalidGraphException"],
      ];
      for (const [body, type] of bad) {
        const r = await api.post("/api/sessions/s/graph/append", body, {
          "content-type": "application/json",
        });
        assert.equal(r.status, 400, JSON.stringify(r.body));
        assert.equal((r.body as { type: string }).type, type);
      }
      const r415 = await api.post("/api/sessions/s/graph/append", "[]", {
        "content-type": "application/xml",
      });
      assert.equal(r415.status, 415);
      const big = await api.post("/api/sessions/s/graph/append", "[" + " ".repeat(2 << 20) + "]", {
        "content-type": "application/json",
      });
      assert.equal(big.status, 413);
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 1);
      assert.deepEqual(Object.keys((await api.get("/api/sessions/s/graph")).body as object), ["X"]);
    });
  });

  Deno.test(`${tier}: a cycle is refused at deploy (400) and changes nothing`, async () => {
    await withTier(tier, async (api) => {
      // Above the node tier X -> Y -> X crosses the two nodes, P -> Q -> P stays on one.
      await created(api, "s", [
        mem("X", { consumers: ["Y"] }),
        app("Y", "CopyApp", { outputs: ["X"] }),
        mem("P", { consumers: ["Q"] }),
        mem("F"),
        app("Q", "CopyApp", { outputs: ["P"] }),
      ]);
      for (let i = 0; i < 2; i++) {
        const r = await api.post("/api/sessions/s/deploy", "completed=F", FORM);
        assert.equal(r.status, 400, JSON.stringify(r.body));
        const body = r.body as { type: string; args: string[] };
        assert.equal(body.type, "InvalidGraphException");
        assert.match(body.args[0]!, /^the graph has a cycle through Drop [XYPQ]$/);
        assert.deepEqual(await states(api, "s"), all(1), "still BUILDING everywhere");
      }
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 5);
    });
  });

  Deno.test(`${tier}: a deployed graph runs to FINISHED and wrong-state calls are 400`, async () => {
    await withTier(tier, async (api) => {
      await created(api, "s", chain());
      const early = await api.get("/api/sessions/s/graph/status");
      assert.equal(early.status, 400);
      assert.equal((early.body as { type: string }).type, "InvalidSessionState");
      const c0 = await api.post("/api/sessions/s/cancel");
      assert.equal(c0.status, 400);
      assert.equal((c0.body as { type: string }).type, "InvalidSessionState");
      assert.equal((await api.get("/api/sessions/s/graph/size")).body, 5);
      const d = await api.post("/api/sessions/s/deploy", "completed=A", FORM);
      assert.deepEqual(d.body, { Status: "Success" });
      await waitFor(() => states(api, "s"), {
        until: (xs) => xs.length === opts.nodes && xs.every((x) => x === 4),
        what: "every node FINISHED",
      });
      const gs = (await api.get("/api/sessions/s/graph/status")).body as Record<string, unknown>;
      assert.deepEqual(gs, {
        A: { status: 2 },
        B: { status: 2, execStatus: 2 },
        C: { status: 2 },
        D: { status: 2, execStatus: 2 },
        E: { status: 2 },
      });
      const again = await api.post("/api/sessions/s/deploy", "", FORM);
      assert.equal(again.status, 400);
      assert.equal((again.body as { type: string }).type, "InvalidSessionState");
      const late = await api.post("/api/sessions/s/graph/append", api.place([mem("Z")]));
      assert.equal(late.status, 400);
      assert.equal((late.body as { type: string }).type, "InvalidSessionState");
      const drop = (await api.get("/api/sessions/s/graph/drop/E")).body as { oid: string };
      assert.equal(drop.oid, "E");
      const graph = (await api.get("/api/sessions/s/graph")).body as Record<
        string,
        { consumers?: string[] }
      >;
      assert.deepEqual(graph.A?.consumers, ["B"]);
    });
  });

  Deno.test(`${tier}: cancel stops every running Drop`, async () => {
    await withTier(tier, async (api) => {
      await created(api, "s", [
        app("S1", "SleepApp", { sleep_time: 30, outputs: ["O1"] }),
        mem("O1"),
        app("S2", "SleepApp", { sleep_time: 30, outputs: ["O2"] }),
        mem("O2"),
      ]);
      await api.post("/api/sessions/s/deploy", "completed=S1,S2", FORM);
      await waitFor(() => states(api, "s"), {
        until: (xs) => xs.length === opts.nodes && xs.every((x) => x === 3),
        what: "every node RUNNING",
      });
      assert.deepEqual((await api.post("/api/sessions/s/cancel")).body, { Status: "Success" });
      assert.deepEqual(await states(api, "s"), all(5));
      const gs = (await api.get("/api/sessions/s/graph/status")).body as Record<
        string,
        { status: number }
      >;
      assert.ok(Object.values(gs).every((d) => d.status === 6), JSON.stringify(gs));
      assert.equal((await api.del("/api/sessions/s")).status, 200);
    });
  });
}
