/**
 * `GET /api/sessions/<sid>/events` (DESIGN §7) at node, island and master, with real processes:
 * a cross-node run's events arrive complete and in order per Drop, `Last-Event-ID` resumes, a
 * terminal session ends the stream, and a stream opened after the end gets snapshot + session.
 */
import assert from "node:assert/strict";
import {
  type BaseManagerClient,
  DataIslandManagerClient,
  MasterManagerClient,
  NodeManagerClient,
  reduceSessionStatus,
  type SessionEvent,
} from "../core/client/mod.ts";
import { NodeManager } from "../core/manager/mod.ts";
import { startCluster } from "./_util/cluster.ts";
import { tierApp } from "./_util/tier_app.ts";

const mem = (oid: string, node: string, island: string, extra = {}) => ({
  oid,
  categoryType: "Data",
  dropclass: "dlg.data.drops.memory.InMemoryDROP",
  node,
  island,
  ...extra,
});
const copy = (oid: string, node: string, island: string, outputs: string[]) => ({
  oid,
  categoryType: "Application",
  dropclass: "dlg.apps.simple.SleepAndCopyApp",
  sleep_time: 0.2,
  node,
  island,
  outputs,
});

/** A(n1) -> B(n2) -> C(n2) -> D(n1) -> E(n1): both links between B and D cross nodes. */
function crossGraph(n1: string, n2: string, island: string) {
  return [
    mem("A", n1, island, { pydata: "hello", consumers: ["B"] }),
    copy("B", n2, island, ["C"]),
    mem("C", n2, island, { consumers: ["D"] }),
    copy("D", n1, island, ["E"]),
    mem("E", n1, island),
  ];
}

/** Read a whole stream (bounded in time). */
async function collect(
  client: BaseManagerClient,
  sid: string,
  o: { lastEventId?: number; until?: (e: SessionEvent) => boolean } = {},
): Promise<SessionEvent[]> {
  const out: SessionEvent[] = [];
  const signal = AbortSignal.timeout(20_000);
  for await (const e of client.sessionEvents(sid, { lastEventId: o.lastEventId, signal })) {
    out.push(e);
    if (o.until?.(e)) break;
  }
  return out;
}

/** Each Drop's final state, from a snapshot and the changes after it. */
function finalStates(events: SessionEvent[], into = new Map<string, number>()) {
  for (const e of events) {
    if (e.event === "snapshot") {
      for (const [oid, d] of Object.entries(e.data.drops)) into.set(oid, d.status);
    }
    if (e.event === "drops") { for (const d of e.data) into.set(d.oid, d.status); }
  }
  return into;
}

/** Per Drop, (status, execStatus) never goes back. */
function assertOrderedPerDrop(events: SessionEvent[]): void {
  const last = new Map<string, [number, number]>();
  for (const e of events) {
    if (e.event !== "drops") continue;
    for (const d of e.data) {
      const now: [number, number] = [d.status, d.execStatus ?? 0];
      const before = last.get(d.oid);
      if (before) {
        const back = now[0] < before[0] || (now[0] === before[0] && now[1] < before[1]);
        assert.ok(!back, `${d.oid} went from ${before} to ${now}`);
      }
      last.set(d.oid, now);
    }
  }
}

function assertIdsIncrease(events: SessionEvent[]): void {
  const ids = events.map((e) => e.id!);
  for (let i = 1; i < ids.length; i++) {
    assert.ok(ids[i]! > ids[i - 1]!, `ids ${ids}`);
  }
}

/** A master over one island of two nodes, with clients for the two tiers above the nodes. */
interface TwoNodes {
  n1: string;
  n2: string;
  island: string;
  master: MasterManagerClient;
  isl: DataIslandManagerClient;
}

/** `fn` on a fresh master -> island -> 2 nodes, always stopped after. */
async function withTwoNodes(fn: (t: TwoNodes) => Promise<void>): Promise<void> {
  const c = await startCluster([2]);
  try {
    const [n1, n2] = c.nodes[0]!.map((n) => n.hostPort) as [string, string];
    const island = c.islands[0]!.hostPort;
    const master = new MasterManagerClient(c.master.url);
    await fn({ n1, n2, island, master, isl: new DataIslandManagerClient(island) });
  } finally {
    await c.stop();
  }
}

Deno.test("GET .../events at node, island and master: a cross-node run, complete and in order", async () => {
  await withTwoNodes(async ({ n1, n2, island, master, isl }) => {
    const node1 = new NodeManagerClient(n1);
    const node2 = new NodeManagerClient(n2);
    await master.createSession("ev");
    await master.appendGraph("ev", crossGraph(n1, n2, island));
    // Every tier's stream opened before deploy; each must end by itself.
    const streams = [master, isl, node1, node2].map((cl) => collect(cl, "ev"));
    // What a parent's log follows: state changes only, at the master and at a node.
    const states = [master, node1].map(async (cl) => {
      const out: SessionEvent[] = [];
      const signal = AbortSignal.timeout(20_000);
      for await (const e of cl.sessionEvents("ev", { only: "session", signal })) out.push(e);
      return out;
    });
    await new Promise((r) => setTimeout(r, 300));
    await master.deploySession("ev", ["A"]);
    // Opened during the run, beside streams opened before the deploy: every Drop in the snapshot.
    for (const cl of [master, isl]) {
      const first = await collect(cl, "ev", { until: () => true });
      const snap = first[0]!.data as { drops: Record<string, unknown> };
      assert.deepEqual(Object.keys(snap.drops).sort(), ["A", "B", "C", "D", "E"]);
    }
    const [m, i, a, b] = await Promise.all(streams) as SessionEvent[][];
    for (const [name, events] of Object.entries({ m: m!, i: i!, a: a!, b: b! })) {
      assert.equal(events[0]!.event, "snapshot", name);
      const end = events.at(-1)!;
      assert.equal(end.event, "session", name);
      assert.equal(reduceSessionStatus((end.data as { status: unknown }).status), 4, name);
      assertIdsIncrease(events);
      assertOrderedPerDrop(events);
      assertSessionChanges(events);
    }
    for (const events of await Promise.all(states)) {
      assert.deepEqual(new Set(events.map((e) => e.event)), new Set(["snapshot", "session"]));
      assert.equal(reduceSessionStatus((events.at(-1)!.data as { status: unknown }).status), 4);
    }
    const all = ["A", "B", "C", "D", "E"];
    for (const events of [m!, i!]) {
      const got = finalStates(events);
      assert.deepEqual(all.map((o) => got.get(o)), [2, 2, 2, 2, 2]);
    }
    assert.deepEqual([...finalStates(a!).keys()].sort(), ["A", "D", "E"]);
    assert.deepEqual([...finalStates(b!).keys()].sort(), ["B", "C"]);
    // The master's session events carry the map per island, then per node, as /status does.
    const ms = m!.at(-1)!.data as { status: Record<string, Record<string, number>> };
    assert.deepEqual(ms.status, await master.sessionStatus("ev"));
    assert.deepEqual(Object.values(ms.status).map((x) => Object.values(x)), [[4, 4]]);

    // Opened after the end: a snapshot with every Drop, then the terminal session event.
    for (const cl of [master, isl, node1]) {
      const late = await collect(cl, "ev");
      assert.deepEqual(late.map((e) => e.event), ["snapshot", "session"]);
      assertIdsIncrease(late);
    }
    // ... as the Drops are now, like graph/status (a Drop may have EXPIRED since).
    const late = await collect(master, "ev");
    const now = await master.graphStatus("ev");
    assert.deepEqual(
      Object.fromEntries(finalStates(late)),
      Object.fromEntries(Object.entries(now).map(([oid, d]) => [oid, d.status])),
    );
    assert.ok(late[0]!.id! > m!.at(-1)!.id!, "ids go on from the first stream's");
  });
});

Deno.test("GET .../events resumes with Last-Event-ID where the reader left off", async () => {
  const c = await startCluster([2]);
  try {
    const [n1, n2] = c.nodes[0]!.map((n) => n.hostPort);
    const island = c.islands[0]!.hostPort;
    for (
      const [name, client] of [
        ["master", new MasterManagerClient(c.master.url)],
        ["node", new NodeManagerClient(n1!)],
      ] as const
    ) {
      const sid = `resume-${name}`;
      const master = new MasterManagerClient(c.master.url);
      await master.createSession(sid);
      await master.appendGraph(sid, crossGraph(n1!, n2!, island));
      // Read until the first Drop change, then leave.
      const first = collect(client, sid, { until: (e) => e.event === "drops" });
      await new Promise((r) => setTimeout(r, 300));
      await master.deploySession(sid, ["A"]);
      const head = await first;
      const lastId = head.at(-1)!.id!;
      const rest = await collect(client, sid, { lastEventId: lastId });
      assert.notEqual(rest[0]?.event, "snapshot", `${name}: resumed, not restarted`);
      assert.ok(rest.every((e) => e.id! > lastId), `${name}: only what was missed`);
      assert.equal(rest.at(-1)!.event, "session");
      const states = finalStates(rest, finalStates(head));
      const expect = name === "node" ? ["A", "D", "E"] : ["A", "B", "C", "D", "E"];
      assert.deepEqual(expect.map((o) => states.get(o)), expect.map(() => 2), name);
      // An id the server no longer has (or never had): a fresh snapshot instead.
      const fresh = await collect(client, sid, { lastEventId: 1e9 });
      assert.deepEqual(fresh.map((e) => e.event), ["snapshot", "session"]);
    }
  } finally {
    await c.stop();
  }
});

Deno.test("GET .../events: 404 for an unknown session at every tier; a failed Drop's reason", async () => {
  const c = await startCluster([1]);
  try {
    const n1 = c.nodes[0]![0]!.hostPort;
    const island = c.islands[0]!.hostPort;
    for (const url of [c.master.url, `http://${island}`, `http://${n1}`]) {
      const r = await fetch(`${url}/api/sessions/nope/events`);
      assert.equal(r.status, 404);
      assert.equal((await r.json()).type, "NoSessionException");
    }
    const master = new MasterManagerClient(c.master.url);
    await master.createSession("bad");
    await master.appendGraph("bad", [
      {
        oid: "X",
        categoryType: "Application",
        dropclass: "dlg.apps.bash_shell_app.BashShellApp",
        command: "exit 3",
        node: n1,
        island,
        outputs: ["Y"],
      },
      mem("Y", n1, island),
    ]);
    const events = collect(master, "bad");
    await new Promise((r) => setTimeout(r, 200));
    await master.deploySession("bad", ["X"]);
    const end = (await events).at(-1)!;
    assert.equal(end.event, "session");
    const data = end.data as { status: unknown; error?: string };
    assert.equal(reduceSessionStatus(data.status), 6);
    assert.match(data.error ?? "", /Drop X failed/);
  } finally {
    await c.stop();
  }
});

Deno.test("GET .../events sends a keep-alive comment on an idle stream, and log events", async () => {
  const workDir = await Deno.makeTempDir({ prefix: "dlg-events-" });
  const nm = new NodeManager({ workDir, dlmCheckPeriod: 0 });
  try {
    const app = tierApp(nm, { keepAliveMs: 50 });
    nm.createSession("idle");
    const res = await app.request("/api/sessions/idle/events");
    assert.equal(res.status, 200);
    assert.match(res.headers.get("content-type") ?? "", /text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = "";
    const until = Date.now() + 5000;
    while (!text.includes(": keep-alive") && Date.now() < until) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    await reader.cancel();
    assert.match(text, /^event: snapshot\ndata: \{"status":0,"drops":\{\}\}\nid: 0\n\n/);
    assert.match(text, /: keep-alive\n\n/);

    // A failing app's log lines come as `log` events before the session's end.
    nm.createSession("bad");
    await nm.append("bad", [{
      oid: "X",
      categoryType: "Application",
      dropclass: "dlg.apps.bash_shell_app.BashShellApp",
      command: "echo oops >&2; exit 3",
    }]);
    const events: SessionEvent[] = [];
    const done = (async () => {
      const r = await app.request("/api/sessions/bad/events");
      const stream = r.body!.pipeThrough(new TextDecoderStream());
      let buf = "";
      for await (const chunk of stream) {
        buf += chunk;
        let i;
        while ((i = buf.indexOf("\n\n")) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = block.match(/^event: (.*)$/m)?.[1];
          const data = block.match(/^data: (.*)$/m)?.[1];
          if (event && data) events.push({ event, data: JSON.parse(data) } as SessionEvent);
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 50));
    nm.deploy("bad", ["X"]);
    await done;
    const logs = events.filter((e) => e.event === "log").map((e) => e.data) as {
      oid: string;
      level: string;
      message: string;
    }[];
    assert.ok(logs.some((l) => l.oid === "X" && l.level === "ERROR"), JSON.stringify(logs));
    assert.equal(events.at(-1)!.event, "session");
    const end = events.at(-1)!.data as { status: number; error?: string };
    assert.equal(end.status, 6);
    assert.match(end.error ?? "", /Drop X failed/);
  } finally {
    await nm.stop();
    await Deno.remove(workDir, { recursive: true });
  }
});

Deno.test("GET .../events at island and master: deleting a running session ends it with CANCELLED", async () => {
  await withTwoNodes(async ({ n1, n2, island, master, isl }) => {
    await master.createSession("del");
    await master.appendGraph("del", [
      mem("A", n1, island, { pydata: "x", consumers: ["B"] }),
      { ...copy("B", n2, island, ["C"]), sleep_time: 30 },
      mem("C", n2, island),
    ]);
    await master.deploySession("del", ["A"]);
    const streams = [master, isl].map((cl) => collect(cl, "del"));
    await new Promise((r) => setTimeout(r, 300));
    await master.destroySession("del");
    for (const events of await Promise.all(streams)) {
      const end = events.at(-1)!;
      assert.equal(end.event, "session");
      assert.equal(reduceSessionStatus((end.data as { status: unknown }).status), 5);
      assertIdsIncrease(events);
    }
  });
});

/** No two `session` events in a row say the same. */
function assertSessionChanges(events: SessionEvent[]): void {
  const said = events.filter((e) => e.event === "session").map((e) => JSON.stringify(e.data));
  for (let i = 1; i < said.length - 1; i++) assert.notEqual(said[i], said[i - 1], said[i]);
}
