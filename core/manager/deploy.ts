/**
 * A composite deploy's steps (subscriptions, deploy, roots) and what each child's failure
 * means for the session; the composite manager fails the session on any of them.
 */
import { type ChildError, describe, fanOut, type Settled } from "./children.ts";
import type { ChildSet } from "./child_set.ts";
import type { CompositeSession } from "./composite_session.ts";

/**
 * The failures of a call to the session's children that matter: an unreachable child holding
 * none of its Drops is marked down instead.
 */
export function childErrors(s: CompositeSession, r: Settled<unknown>): Record<string, ChildError> {
  const errors: Record<string, ChildError> = {};
  for (const c of s.children) {
    const err = r.errors[c.name];
    if (!err) continue;
    if (err.type === "RestClientException" && !s.uses(c)) c.down = describe(err);
    else errors[c.name] = err;
  }
  return errors;
}

/** Relations per `subscriptions` request: ~50 bytes each, well under a node's request limit. */
const SUBSCRIPTIONS_PART = 50_000;

/** Root UIDs per `trigger` request. */
const TRIGGER_PART = 100_000;

/**
 * One node's subscriptions (peer -> relations) in requests of at most `max` relations: at
 * millions of Drops one request would pass the node's body limit (a node adds them up).
 */
export function subscriptionParts<T>(
  subs: Record<string, T[]>,
  max = SUBSCRIPTIONS_PART,
): Record<string, T[]>[] {
  const parts: Record<string, T[]>[] = [];
  let part: Record<string, T[]> = {};
  let size = 0;
  for (const [peer, rels] of Object.entries(subs)) {
    const list = () => part[peer] ??= [];
    if (!rels.length) list();
    for (let i = 0; i < rels.length;) {
      if (size === max) {
        parts.push(part);
        part = {};
        size = 0;
      }
      const take = Math.min(max - size, rels.length - i);
      const into = list();
      for (let k = i; k < i + take; k++) into.push(rels[k]!);
      size += take;
      i += take;
    }
  }
  if (size || Object.keys(part).length || !parts.length) parts.push(part);
  return parts;
}

/** The three steps of a deploy; what failed, by the session's child (empty: nothing). */
export async function deploySteps(
  kids: ChildSet,
  s: CompositeSession,
  o: { completed: string[]; byUid: (uid: string) => { node: string | undefined } | undefined },
): Promise<Record<string, ChildError>> {
  const id = s.id;
  // 1. Each node learns which of its Drops link to Drops on which other nodes.
  const subs = s.subscriptions();
  const nodes = [...subs.keys()].map((n) => ({ ...kids.nodeClient(n), node: n }));
  const r1 = await fanOut(nodes, async (n) => {
    for (const part of subscriptionParts(subs.get(n.node)!)) {
      await n.bulk.addNodeSubscriptions(id, part);
    }
  });
  if (r1.failed) return byChild(s, nodes, r1.errors);
  // 2. Every child deploys, in parallel (islands repeat all this for their nodes).
  const r2 = childErrors(s, await fanOut(s.targets(), (c) => c.bulk.deploySession(id)));
  if (Object.keys(r2).length) return r2;
  // 3. The roots start on their own nodes.
  const roots = Map.groupBy(o.completed, (uid) => o.byUid(uid)!.node ?? "");
  const targets = [...roots.keys()].map((n) => ({ ...kids.nodeClient(n), node: n }));
  const r3 = await fanOut(targets, async (n) => {
    const uids = roots.get(n.node)!;
    for (let i = 0; i < uids.length; i += TRIGGER_PART) {
      await n.bulk.triggerDrops(id, uids.slice(i, i + TRIGGER_PART));
    }
  });
  return byChild(s, targets, r3.errors);
}

/** Errors of calls made to nodes (a master reaches them directly), by the child holding them. */
function byChild(
  s: CompositeSession,
  nodes: { name: string; node: string }[],
  errors: Record<string, ChildError>,
): Record<string, ChildError> {
  const out: Record<string, ChildError> = {};
  for (const n of nodes) {
    const e = errors[n.name];
    if (!e) continue;
    const o = [...s.owners.values()].find((x) => x.node === n.node);
    const child = o && s.children[o.part];
    out[child?.name ?? n.name] = child && child.name !== n.name
      ? { type: e.type, args: [`node ${n.name}: ${describe(e)}`] }
      : e;
  }
  return out;
}
