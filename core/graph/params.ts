/**
 * Parameters of a Drop: looked up by name in `applicationArgs`, then the top-level key, then
 * EAGLE's `componentParams` and `fields`, and coerced the way DALiuGE coerces them.
 * `""` and `null` mean "unset".
 */
import * as v from "valibot";
import { LINK_KEYS } from "../wire/mod.ts";

export type ParamKind = "float" | "int" | "bool" | "string" | "any";
export type ParamDecl = Readonly<Record<string, ParamKind>>;
export type Params = Record<string, unknown>;

/** Shared by every spec that sets none of its class's parameters. */
const NO_PARAMS: Params = Object.freeze({}) as Params;

const numeric = v.union([
  v.number(),
  v.pipe(v.string(), v.trim(), v.decimal(), v.transform(Number)),
  v.pipe(
    v.string(),
    v.trim(),
    v.regex(/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/),
    v.transform(Number),
  ),
  v.pipe(v.boolean(), v.transform(Number)),
], "expected a number");

const SCHEMAS: Record<ParamKind, v.GenericSchema<unknown, unknown>> = {
  float: v.pipe(numeric, v.finite("expected a finite number")),
  int: v.pipe(numeric, v.integer("expected an integer")),
  // Python's bool(): any non-empty string is true, as DALiuGE does it; JSON booleans as they are.
  bool: v.union([
    v.boolean(),
    v.pipe(v.number(), v.transform((n) => n !== 0)),
    v.pipe(v.string(), v.transform((s) => s.length > 0)),
  ], "expected a boolean"),
  string: v.union([
    v.string(),
    v.pipe(v.union([v.number(), v.boolean()]), v.transform(String)),
  ], "expected a string"),
  any: v.unknown(),
};

function unset(x: unknown): boolean {
  return x === undefined || x === null || x === "";
}

function fromArgDict(dict: unknown, name: string): unknown {
  if (!dict || typeof dict !== "object" || Array.isArray(dict)) return undefined;
  const entry = (dict as Record<string, unknown>)[name];
  if (entry && typeof entry === "object" && !Array.isArray(entry) && "value" in entry) {
    return (entry as { value: unknown }).value;
  }
  return undefined;
}

function fromFields(fields: unknown, name: string): unknown {
  if (!Array.isArray(fields)) return undefined;
  for (const f of fields) {
    if (f && typeof f === "object" && (f as { name?: unknown }).name === name) {
      return (f as { value?: unknown }).value;
    }
  }
  return undefined;
}

/** The raw value of one parameter, by DALiuGE's precedence; `undefined` when unset everywhere. */
export function rawParam(spec: Record<string, unknown>, name: string): unknown {
  // Looked up in order and only as far as needed: this runs per declared parameter per Drop.
  let c = fromArgDict(spec.applicationArgs, name);
  if (!unset(c)) return c;
  c = spec[name];
  if (!unset(c)) return c;
  c = fromArgDict(spec.componentParams, name);
  if (!unset(c)) return c;
  c = fromFields(spec.fields, name);
  return unset(c) ? undefined : c;
}

/** The value as its kind when that needs no coercion (the common case), else `undefined`. */
function plain(kind: ParamKind, x: unknown): unknown {
  switch (kind) {
    case "any":
      return x;
    case "string":
      return typeof x === "string" ? x : undefined;
    case "bool":
      return typeof x === "boolean" ? x : undefined;
    case "float":
      return typeof x === "number" && Number.isFinite(x) ? x : undefined;
    case "int":
      return Number.isInteger(x) ? x : undefined;
  }
}

/**
 * Resolve the declared parameters of a spec. Throws a `TypeError` whose message names the
 * parameter when a value cannot be coerced; the caller adds the Drop's name.
 */
export function resolveParams(spec: Record<string, unknown>, decl: ParamDecl): Params {
  let out: Params = NO_PARAMS;
  for (const name in decl) {
    const raw = rawParam(spec, name);
    if (raw === undefined) continue;
    if (out === NO_PARAMS) out = {};
    const kind = decl[name] as ParamKind;
    const same = plain(kind, raw);
    if (same !== undefined) {
      out[name] = same;
      continue;
    }
    const r = v.safeParse(SCHEMAS[kind], raw);
    if (!r.success) {
      throw new TypeError(
        `parameter ${name} = ${JSON.stringify(raw)}: ${r.issues[0]?.message ?? "invalid"}`,
      );
    }
    out[name] = r.output;
  }
  return out;
}

/** Every parameter of a spec (top-level keys overridden by `applicationArgs` values). */
export function allParams(spec: Record<string, unknown>): Params {
  const out: Params = {};
  for (const [k, val] of Object.entries(spec)) {
    if (!STRUCTURAL.has(k) && !unset(val)) out[k] = val;
  }
  const args = spec.applicationArgs;
  if (args && typeof args === "object" && !Array.isArray(args)) {
    for (const name of Object.keys(args)) {
      const val = fromArgDict(args, name);
      if (!unset(val)) out[name] = val;
    }
  }
  return out;
}

const STRUCTURAL = new Set([
  "oid",
  "uid",
  "categoryType",
  "category",
  "dropclass",
  "node",
  "island",
  ...LINK_KEYS,
  "applicationArgs",
  "componentParams",
  "constraintParams",
  "fields",
  "ports",
  "port_map",
  "reprodata",
]);
