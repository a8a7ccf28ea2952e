/**
 * Submitting a physical graph the way DALiuGE's deploy tooling does: create a session, append
 * the Drop specs in parts, deploy with the graph's roots completed.
 */
import { graphRoots, isGraphMetadata, packsBySize } from "../graph/mod.ts";
import { DlgClientError } from "./base.ts";
import type { AppendOptions, BaseManagerClient } from "./managers.ts";

type Spec = Record<string, unknown>;

/**
 * The UIDs of the graph's roots, as DALiuGE's `get_roots`: Drops with no inputs or producers
 * that no other Drop lists among its outputs or consumers (links may be declared on one side).
 */
export { graphRoots };

/**
 * Default part size for `graph/append`, well under the managers' 10 MB default limit. Small parts
 * keep every tier busy (the next part is read while the last is checked, a master's nodes start
 * on the first) and their buffers small: against 4 MiB parts, 1 MiB made the hierarchy row ~20%
 * faster (31k -> 37-38k Drops/s) and one node's 100k row ~10% (10 MB parts: 1.15 s -> ~1.0 s).
 */
export const DEFAULT_PART_BYTES = 1024 * 1024;

/** The Drop specs of a graph file's JSON: the list without DALiuGE's trailing metadata. */
export function graphSpecs(graph: unknown): Spec[] {
  if (!Array.isArray(graph)) {
    throw new TypeError("a physical graph must be a JSON array of Drop specs");
  }
  const specs: Spec[] = [];
  for (const [i, item] of graph.entries()) {
    if (!item || typeof item !== "object" || Array.isArray(item)) {
      throw new TypeError(`element #${i} of the graph is not a JSON object`);
    }
    if (!isGraphMetadata(item as Spec)) specs.push(item as Spec);
  }
  return specs;
}

function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) n += c < 0x800 || (c >= 0xd800 && c <= 0xdfff) ? 1 : 2;
  }
  return n;
}

/**
 * Split specs into `graph/append` bodies (JSON array texts) of at most `maxBytes` each; a
 * single spec larger than that gets a part of its own.
 */
export function splitGraph(specs: readonly Spec[], maxBytes = DEFAULT_PART_BYTES): string[] {
  return [...graphParts(specs, maxBytes)].map((p) => p.body);
}

/**
 * `splitGraph`'s parts made one at a time as they are taken, with how many specs each holds (a
 * graph too big to hold as JSON at once: the 10M bench).
 */
export function* graphParts(
  specs: Iterable<Spec>,
  maxBytes = DEFAULT_PART_BYTES,
): Generator<{ n: number; body: string }> {
  function* texts() {
    for (const spec of specs) yield JSON.stringify(spec);
  }
  // Each spec's JSON and a comma, within the list's two brackets.
  for (const part of packsBySize(texts(), (t) => utf8Length(t) + 1, { maxBytes: maxBytes - 2 })) {
    yield { n: part.length, body: `[${part.join(",")}]` };
  }
}

/** A session id for a new submission: `<name>-<UTC date-time>-<random>`. */
export function newSessionId(name = "session"): string {
  const clean = name.replace(/[^\w.-]+/g, "_").replace(/^[._]+/, "").slice(0, 40) || "session";
  const t = new Date().toISOString().replace(/[-:]/g, "").replace(/\..*/, "").replace("T", "-");
  return `${clean}-${t}-${crypto.randomUUID().slice(0, 6)}`;
}

export interface SubmitOptions {
  /** Session id (default: a new one from `name`). */
  sessionId?: string;
  /** Used for a generated session id. */
  name?: string;
  /** Largest `graph/append` body in bytes (default 1 MiB). */
  partBytes?: number;
  compress?: AppendOptions["compress"];
  /** UIDs to complete at deploy (default: the graph's roots). */
  completed?: string[];
  /** Stop after appending (no deploy). */
  noDeploy?: boolean;
  /** Called after each appended part. */
  onPart?: (done: number, total: number) => void;
}

export interface SubmitResult {
  sessionId: string;
  drops: number;
  parts: number;
  completed: string[];
}

/** Appends in flight at once: the next part travels while the manager checks the last one. */
const IN_FLIGHT = 2;

/**
 * Create a session, append `specs` in parts and deploy with the roots completed. Two parts are in
 * flight at a time (the manager takes appends one after the other; the upload of the next one
 * overlaps the check of the last). If an append fails, the session this call created is deleted
 * again and the error re-thrown.
 */
export async function submitGraph(
  client: BaseManagerClient,
  specs: readonly Spec[],
  o: SubmitOptions = {},
): Promise<SubmitResult> {
  const sessionId = o.sessionId ?? newSessionId(o.name);
  const completed = o.completed ?? graphRoots(specs);
  const parts = splitGraph(specs, o.partBytes);
  await client.createSession(sessionId);
  let done = 0;
  let next = 0;
  let failed: { e: unknown; part: number } | undefined;
  const sender = async () => {
    while (next < parts.length && !failed) {
      const part = next++;
      try {
        await client.appendGraph(sessionId, parts[part]!, { compress: o.compress });
      } catch (e) {
        failed ??= { e, part };
        return;
      }
      done++;
      o.onPart?.(done, parts.length);
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, parts.length) }, sender));
  if (failed) {
    const { e, part } = failed;
    await client.destroySession(sessionId).catch(() => {});
    if (e instanceof DlgClientError && parts.length > 1) {
      const where = `appending part ${part + 1} of ${parts.length}`;
      throw new DlgClientError(e.status, e.type, e.args, `${e.message} (${where})`);
    }
    throw e;
  }
  if (!o.noDeploy) await client.deploySession(sessionId, completed);
  return { sessionId, drops: specs.length, parts: parts.length, completed };
}
