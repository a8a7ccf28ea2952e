/**
 * Turn one raw Drop spec into the engine's form: its class, resolved parameters and link lists.
 * Every failure is an InvalidGraphException naming the Drop.
 */
import * as v from "valibot";
import { invalidGraph } from "../errors/mod.ts";
import type { ClassTable, DropClass } from "./classes.ts";
import { type Params, resolveParams } from "./params.ts";
import { LINK_KEYS, type LinkKey, linkOid } from "../wire/mod.ts";
import { describeIssues, DropSpecSchema, fitsDropSpec } from "./schema.ts";

/**
 * OIDs a spec links to under one key. A node's session keeps a list of one as the OID itself
 * (`compactLinks`): a million one-element arrays kept cost ~50 MB of fresh pages at append. The
 * same form as a Drop's links: `eachLink` and `linkList` (core/drops) read both.
 */
export type OidList = string | string[];

export type Links = Partial<Record<LinkKey, OidList>>;

/**
 * Keep each one-OID link list of `spec` as the OID (when the spec is its own links): a node's
 * session does, right after the append's parse, so the arrays die young. `specRaw` (for the
 * graph route and `graph()`) gives them back as lists.
 */
export function compactLinks(spec: DropSpec): void {
  if (spec.links !== spec.raw) return;
  const raw = spec.raw;
  for (const key of LINK_KEYS) {
    const list = raw[key];
    if (Array.isArray(list) && list.length === 1) raw[key] = list[0];
  }
}

/** The spec as the user sent it (what `GET .../graph` shows): link lists always arrays. */
export function specRaw(spec: DropSpec): Record<string, unknown> {
  const raw = spec.raw;
  if (spec.links !== raw) return raw;
  let out: Record<string, unknown> | undefined;
  for (const key of LINK_KEYS) {
    const list = raw[key];
    if (typeof list === "string") (out ??= { ...raw })[key] = [list];
  }
  return out ?? raw;
}

/** A validated Drop spec. `raw` is what the user sent, kept for `GET .../graph`. */
export interface DropSpec {
  readonly oid: string;
  readonly uid: string;
  readonly cls: DropClass;
  readonly raw: Record<string, unknown>;
  readonly params: Params;
  /** The link lists: `raw` itself when its lists are plain OIDs, none twice (mostly). */
  readonly links: Links;
  /** Port names from `{oid: port}` links. */
  readonly ports: Record<string, string> | undefined;
  /**
   * The Drop a deploy built from this spec (a session's; `unknown` here, the graph module does
   * not know Drops): the session finds its Drops through its spec map, no second map.
   */
  drop: unknown;
}

const CATEGORIES: Record<string, string> = { Data: "Data", Application: "Application" };

function kindOf(categoryType: string): "data" | "app" | undefined {
  const c = categoryType.toLowerCase();
  if (c === "data") return "data";
  if (c === "application" || c === "app") return "app";
  return undefined;
}

function str(x: unknown): string | undefined {
  return typeof x === "string" && x ? x : typeof x === "number" ? String(x) : undefined;
}

/** Values that repeat across a batch's specs (`node`, `island`), one copy each. */
export type Shared = Map<string, string>;

/** Distinct values a `Shared` keeps at most (a batch names a few nodes; more are left alone). */
const SHARED_MAX = 4096;

/** The copy of `s` already in `shared` (or `s`, now kept there). */
export function share(s: string, shared: Shared): string {
  const had = shared.get(s);
  if (had !== undefined) return had;
  if (shared.size < SHARED_MAX) shared.set(s, s);
  return s;
}

/** The list itself when it has no repeated OID, else a copy without repeats. */
function unique(oids: string[]): string[] {
  if (oids.length < 2) return oids;
  if (oids.length <= 16) {
    for (let i = 1; i < oids.length; i++) {
      if (oids.indexOf(oids[i]!) < i) return [...new Set(oids)];
    }
    return oids;
  }
  const set = new Set(oids);
  return set.size === oids.length ? oids : [...set];
}

/** Is every link list of `raw` (checked as a spec) OIDs only, none twice? */
function plainLinks(raw: Record<string, unknown>): boolean {
  for (const key of LINK_KEYS) {
    const list = raw[key] as unknown[] | null | undefined;
    if (list === undefined || list === null) continue;
    if (!list.every((x) => typeof x === "string") || unique(list as string[]) !== list) {
      return false;
    }
  }
  return true;
}

/** The class a spec names: `dropclass`, else DALiuGE's older `appclass` or `Application`. */
export function className(raw: Record<string, unknown>): unknown {
  return raw.dropclass ?? raw.appclass ?? raw.Application ?? undefined;
}

/**
 * A cheap first look (a master's, before it forwards a spec unparsed): does the spec name a
 * category and a class this engine runs? `normalizeSpec` says what is wrong when not.
 */
export function knownClass(raw: Record<string, unknown>, classes: ClassTable): boolean {
  const kind = typeof raw.categoryType === "string" ? kindOf(raw.categoryType) : undefined;
  if (!kind) return false;
  const name = className(raw);
  const storage = raw.storage ?? undefined;
  if (name !== undefined && typeof name !== "string") return false;
  if (storage !== undefined && typeof storage !== "string") return false;
  return !("error" in classes.lookup(kind, name, storage));
}

/**
 * Validate and normalise one spec, its class from `classes`; `index` names it when it has no
 * usable `oid`. `shared` (one per batch) keeps one copy of the `node` and `island` values.
 */
export function normalizeSpec(
  raw: Record<string, unknown>,
  index: number,
  classes: ClassTable,
  shared: Shared = new Map(),
): DropSpec {
  const name = typeof raw.oid === "string" && raw.oid ? `Drop ${raw.oid}` : `Drop #${index}`;
  const parsed = fitsDropSpec(raw)
    ? { success: true as const, output: raw }
    : v.safeParse(DropSpecSchema, raw);
  if (!parsed.success) {
    const what = describeIssues(parsed.issues);
    const missing = !("oid" in raw)
      ? "has no oid"
      : !("categoryType" in raw)
      ? "has no categoryType"
      : what;
    throw invalidGraph(`${name} ${missing.startsWith("has no") ? missing : `is invalid: ${what}`}`);
  }
  const spec = parsed.output;
  const kind = kindOf(spec.categoryType);
  if (!kind) {
    throw invalidGraph(
      `${name} has categoryType ${JSON.stringify(spec.categoryType)}; expected Data or Application`,
    );
  }
  const clsName = className(spec) as string | undefined;
  const found = classes.lookup(kind, clsName, spec.storage ?? undefined);
  if ("error" in found) throw invalidGraph(`${name}: ${found.error}`);
  let params: Params;
  try {
    params = resolveParams(raw, found.cls.params);
  } catch (e) {
    throw invalidGraph(`${name}: ${(e as Error).message}`);
  }
  const problem = found.cls.kind === "app" ? found.cls.check?.(params) : undefined;
  if (problem) throw invalidGraph(`${name}: ${problem}`);

  // Mostly every list is plain OIDs without repeats: the spec itself then serves as its links
  // (no object per Drop; `Session.link` writes such a list once).
  const links: Links = spec === raw && plainLinks(raw) ? raw as Links : {};
  let ports: Record<string, string> | undefined;
  for (const key of links === raw ? [] : LINK_KEYS) {
    const list = spec[key];
    if (!list?.length) continue;
    // Plain OID lists are kept as parsed (no copy); object links become OIDs plus port names.
    let oids = list as string[];
    if (!list.every((item) => typeof item === "string")) {
      oids = list.map((item) => {
        if (typeof item === "string") return item;
        const oid = linkOid(item)!;
        const port = item[oid];
        if (typeof port === "string" && port) (ports ??= {})[oid] = port;
        return oid;
      });
    }
    links[key] = unique(oids);
  }
  if ("input_parser" in raw) delete raw.input_parser;
  if ("output_parser" in raw) delete raw.output_parser;
  // JSON.parse gives every spec its own copy of these strings; share one instead.
  if (raw.dropclass === found.cls.name) raw.dropclass = found.cls.name;
  const category = CATEGORIES[spec.categoryType];
  if (category) raw.categoryType = category;
  // So with `uid` (mostly the OID again) and the few `node`/`island` values of a batch.
  if (raw.uid === spec.oid) raw.uid = spec.oid;
  if (typeof raw.node === "string") raw.node = share(raw.node, shared);
  if (typeof raw.island === "string") raw.island = share(raw.island, shared);
  return {
    oid: spec.oid,
    uid: spec.uid === undefined || spec.uid === spec.oid ? spec.oid : spec.uid,
    cls: found.cls,
    raw,
    params,
    links,
    ports,
    drop: undefined,
  };
}

/** The node a spec names (a number is taken as its text), if any. */
export function specNode(spec: DropSpec): string | undefined {
  return str(spec.raw.node);
}
