/**
 * What the graph needs to know of a Drop class, and the table it looks classes up in. The table
 * itself (core/apps) belongs to the manager that uses it and is passed in.
 */
import type { AppImpl } from "../drops/mod.ts";
import type { ParamDecl, Params } from "./params.ts";

export interface DataClass {
  readonly kind: "data";
  readonly name: string;
  readonly params: ParamDecl;
  /** Which store backs it. */
  readonly storage: "memory" | "file" | "null";
  /** EndDROP: completing it ends the session. */
  readonly end?: boolean;
}

export interface AppClass {
  readonly kind: "app";
  readonly name: string;
  readonly params: ParamDecl;
  readonly impl: AppImpl;
  /** Barrier apps always wait for all inputs (`n_effective_inputs` forced to -1). */
  readonly barrier: boolean;
  /** A problem with resolved parameters, found at append. */
  readonly check?: (params: Params) => string | undefined;
  /** The app gets every parameter of its spec, not only the declared ones. */
  readonly allParams?: boolean;
}

export type DropClass = DataClass | AppClass;

export type Lookup = { cls: DropClass } | { error: string };

/** Drop classes by DALiuGE class name. */
export interface ClassTable {
  /** The class of a Drop (data specs may name a `storage` instead), or why there is none. */
  lookup(kind: "data" | "app", name: string | undefined, storage?: string): Lookup;
}
