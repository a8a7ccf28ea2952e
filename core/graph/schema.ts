/** valibot schemas for physical-graph Drop specs, in both DALiuGE link styles. */
import * as v from "valibot";
import { LINK_KEYS } from "../wire/mod.ts";

/** Why a link entry is not an OID string or a single-key `{oid: port}` object, if it is not. */
function linkProblem(x: unknown): string | undefined {
  if (typeof x === "string") return x ? undefined : "an OID must not be empty";
  if (x && typeof x === "object" && !Array.isArray(x)) {
    const keys = Object.keys(x);
    if (keys.length !== 1) return "a link object must have exactly one key";
    return keys[0] ? undefined : "an OID must not be empty";
  }
  return "a link must be an OID string or an {oid: port} object";
}

/**
 * A link entry: an OID string, or a single-key `{oid: portName}` object (translator style).
 * One check per entry: a union of schemas builds an issue for every failed branch, which made
 * links the most expensive part of validating translator graphs.
 */
export const LinkSchema = v.custom<string | Record<string, unknown>>(
  (x) => linkProblem(x) === undefined,
  (issue) => linkProblem(issue.input) ?? "invalid link",
);

const LinkList = v.optional(v.nullable(v.array(LinkSchema, "a link list must be an array")));

const text = v.optional(v.nullable(v.string()));

/**
 * One Drop spec. EAGLE metadata (any key, any type, null included) is not checked: the raw spec
 * keeps it and the parsed output leaves it out, which also keeps validation cheap.
 * Only the keys the engine reads are typed.
 */
export const DropSpecSchema = v.object({
  oid: v.pipe(v.string("oid must be a string"), v.nonEmpty("oid must not be empty")),
  uid: v.optional(v.pipe(v.string("uid must be a string"), v.nonEmpty())),
  categoryType: v.string("categoryType must be a string"),
  dropclass: text,
  appclass: text,
  Application: text,
  storage: text,
  node: v.optional(v.nullable(v.union([v.string(), v.number()]))),
  island: v.optional(v.nullable(v.union([v.string(), v.number()]))),
  consumers: LinkList,
  streamingConsumers: LinkList,
  producers: LinkList,
  inputs: LinkList,
  streamingInputs: LinkList,
  outputs: LinkList,
});
export type RawDropSpec = v.InferOutput<typeof DropSpecSchema>;

const TEXT_KEYS = ["dropclass", "appclass", "Application", "storage"] as const;

function linksFit(x: unknown): boolean {
  if (x === undefined || x === null) return true;
  if (!Array.isArray(x)) return false;
  for (const item of x) if (linkProblem(item) !== undefined) return false;
  return true;
}

function placeFits(x: unknown): boolean {
  return x === undefined || x === null || typeof x === "string" ||
    (typeof x === "number" && !Number.isNaN(x));
}

/**
 * True when `raw` passes `DropSpecSchema` (the same rules, checked in place): the common case
 * then costs no valibot run and no output copy; `DropSpecSchema` says what is wrong otherwise.
 */
export function fitsDropSpec(
  raw: Record<string, unknown>,
): raw is Record<string, unknown> & RawDropSpec {
  if (typeof raw.oid !== "string" || raw.oid === "") return false;
  if (raw.uid !== undefined && (typeof raw.uid !== "string" || raw.uid === "")) return false;
  if (typeof raw.categoryType !== "string") return false;
  for (const k of TEXT_KEYS) {
    const x = raw[k];
    if (x !== undefined && x !== null && typeof x !== "string") return false;
  }
  if (!placeFits(raw.node) || !placeFits(raw.island)) return false;
  for (const k of LINK_KEYS) if (!linksFit(raw[k])) return false;
  return true;
}

/**
 * The `graph/append` body: a JSON array of objects. Each element is only checked to be an
 * object (JSON keys are always strings): a record schema would visit every key of every spec,
 * which costs more than parsing real translator graphs (thousands of bytes of EAGLE metadata
 * per Drop).
 */
export const GraphBodySchema = v.array(
  v.custom<Record<string, unknown>>(
    (x) => typeof x === "object" && x !== null && !Array.isArray(x),
    "each element must be a JSON object",
  ),
  "the graph must be a JSON array of Drop specs",
);

/** `true` when the element is DALiuGE's trailing graph-metadata element (`{}` or `{rmode}`). */
export function isGraphMetadata(o: Record<string, unknown>): boolean {
  if ("oid" in o) return false;
  const keys = Object.keys(o);
  return keys.length === 0 || "rmode" in o;
}

/** Turn a valibot issue list into one readable sentence. */
export function describeIssues(issues: readonly v.BaseIssue<unknown>[]): string {
  const first = issues[0];
  if (!first) return "invalid";
  const path = first.path?.map((p) => String(p.key)).join(".");
  const inner = first.issues?.length ? describeIssues(first.issues) : first.message;
  return path ? `${path}: ${inner}` : inner;
}
