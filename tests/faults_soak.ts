/**
 * The soak of issue 13: 200 sessions through master -> 2 islands -> 4 nodes while one node is
 * stalled and resumed twice and another is killed and restarted once. Every session ends
 * FINISHED, FAILED with a reason naming a node, or CANCELLED; none is left running; every
 * finished transfer holds its bytes exactly (checked by content). About 30 s alone (27-39 s on
 * a busy 2-core machine), 42 s beside two busy loops; DLG_SOAK_SESSIONS changes the number of
 * sessions. Not in `deno task test` (long soaks stay out of the default suite): run it with
 * `deno task test:soak`. A session that does not end fails it with what every tier says of it.
 * Once, in a loaded full-suite run, a session was left running. Not seen again under load; the
 * cause found (a node called down while a deploy was on its first step: the other parts, still
 * BUILDING, refused their cancels, then ran) is fixed and tested in faults_deploy_race_test.ts.
 */
import assert from "node:assert/strict";
import { MasterManagerClient, waitForSession } from "../core/client/mod.ts";
import { FAST_HEALTH, startCluster } from "./_util/cluster.ts";
import { type At, transferGraph } from "./_util/faults.ts";
import { type Proc, restartNode } from "./_util/procs.ts";

const SESSIONS = Number(Deno.env.get("DLG_SOAK_SESSIONS") ?? 200);
const PARALLEL = 8;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

Deno.test({
  name: "faults: soak, 200 sessions through stalls, a kill and a restart end truthfully",
  async fn() {
    const c = await startCluster([2, 2], [], { health: FAST_HEALTH });
    let again: Proc | undefined;
    const stalled = c.nodes[0]![1]!;
    const killed = c.nodes[1]![0]!;
    const tally = { FINISHED: 0, FAILED: 0, CANCELLED: 0, refused: 0 };
    const t0 = Date.now();
    let stopped = false;
    try {
      const m = new MasterManagerClient(c.master.url, { timeoutMs: 30_000 });
      const at: At[] = c.nodes.flatMap((list, i) =>
        list.map((p) => ({ node: p.hostPort, island: c.islands[i]!.hostPort }))
      );
      const names = c.nodes.flat().map((p) => p.hostPort);
      const dirs = new Map(c.nodes.flat().map((p) => [p.hostPort, p.workDir]));
      let next = 0;
      // What every tier says of a session that does not end (for the failure message).
      const where = async (sid: string) => {
        const tiers = [c.master, ...c.islands, ...c.nodes.flat(), ...(again ? [again] : [])];
        const said = await Promise.all(tiers.map(async (p) => {
          const r = await fetch(`${p.url}/api/sessions`, { signal: AbortSignal.timeout(5_000) })
            .then(async (r) => {
              const list = await r.json() as { sessionId: string }[];
              return JSON.stringify(list.find((x) => x.sessionId === sid) ?? "none");
            }, (e) => String(e));
          return `${p.hostPort}: ${r}`;
        }));
        return said.join("\n");
      };

      const chaos = (async () => {
        for (const [at, ms] of [[2_000, 2_000], [6_000, 5_000]] as const) {
          await sleep(at - (Date.now() - t0));
          Deno.kill(stalled.child.pid, "SIGSTOP");
          stopped = true;
          await sleep(ms);
          Deno.kill(stalled.child.pid, "SIGCONT");
          stopped = false;
        }
        await sleep(14_000 - (Date.now() - t0));
        await killed.stop("SIGKILL");
        await sleep(2_000);
        again = await restartNode(killed);
      })();

      const one = async (i: number) => {
        const sid = `soak-${i}`;
        const from = at[i % 4]!;
        const to = at[(i + 1 + (i >> 2) % 3) % 4]!;
        // Sizes both sides of the inline limit (16 KB): some go in events, some as streams.
        const text = `${sid}:`.padEnd(i % 3 === 0 ? 4_000 : 40_000 + i, String(i % 10));
        try {
          await m.createSession(sid);
          await m.appendGraph(sid, transferGraph(from, to, text, 0.5));
          await m.deploySession(sid, ["R"]);
        } catch {
          // Refused while a node was down: the session never ran.
          await m.destroySession(sid).catch(() => {});
          tally.refused++;
          return false;
        }
        const ac = new AbortController();
        const timer = setTimeout(() => ac.abort(new Error(`${sid} still running`)), 60_000);
        const end = await waitForSession(m, sid, { drops: false, signal: ac.signal }).catch(
          async (e) => {
            throw new Error(`${(e as Error).message}: ${await where(sid)}`);
          },
        ).finally(() => clearTimeout(timer));
        if (end.status === 4) {
          tally.FINISHED++;
          // Read from disk: the node holding it may be down by now.
          const f = { filepath: `${dirs.get(to.node)}/${sid}/F` };
          assert.equal(await Deno.readTextFile(f.filepath), text, `${sid}: F holds A's bytes once`);
        } else if (end.status === 6) {
          tally.FAILED++;
          assert.ok(names.some((n) => end.error?.includes(n)), `${sid}: ${end.error}`);
        } else {
          assert.equal(end.status, 5, `${sid}: ${JSON.stringify(end)}`);
          tally.CANCELLED++;
        }
        return true;
      };

      // Exactly SESSIONS sessions run; one refused at submission (its node was down) is
      // counted apart and replaced.
      let slots = SESSIONS;
      await Promise.all(Array.from({ length: PARALLEL }, async () => {
        while (slots > 0) {
          slots--;
          if (!(await one(next++))) {
            slots++;
            await sleep(500);
          }
        }
      }));
      await chaos;
      console.log(`soak: ${JSON.stringify(tally)} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      assert.ok(tally.FINISHED > SESSIONS / 2, JSON.stringify(tally));
      assert.ok(tally.FAILED > 0, `the faults failed some sessions: ${JSON.stringify(tally)}`);
    } finally {
      if (stopped) Deno.kill(stalled.child.pid, "SIGCONT");
      await again?.stop();
      await c.stop();
    }
  },
});
