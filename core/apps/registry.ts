/**
 * The Drop classes dlg-ts knows, by DALiuGE class name (with the aliases real graphs use), and
 * the parameters each one reads.
 */
import type { AppImpl } from "../drops/app_drop.ts";
import type { ParamDecl, Params } from "../graph/params.ts";
import { BashShellApp } from "./bash.ts";
import { checkModuleParams, MODULE_APP, ModuleApp } from "./module_app.ts";
import * as simple from "./simple.ts";

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

const DATA_COMMON: ParamDecl = {
  persist: "bool",
  precious: "bool",
  expectedSize: "int",
  expireAfterUse: "bool",
};
const APP_COMMON: ParamDecl = {
  n_tries: "int",
  input_error_threshold: "int",
  n_effective_inputs: "int",
  block_skip: "bool",
};

function data(name: string, storage: DataClass["storage"], params: ParamDecl = {}, end = false) {
  return { kind: "data", name, storage, params: { ...DATA_COMMON, ...params }, end } as const;
}
function app(name: string, impl: AppImpl, params: ParamDecl = {}, extra: Partial<AppClass> = {}) {
  return {
    kind: "app",
    name,
    impl,
    barrier: true,
    params: { ...APP_COMMON, ...params },
    ...extra,
  } as const;
}

const S = "dlg.apps.simple.";
const CLASSES: DropClass[] = [
  data("dlg.data.drops.memory.InMemoryDROP", "memory", { pydata: "any" }),
  data("dlg.data.drops.memory.SharedMemoryDROP", "memory", { pydata: "any" }),
  data("dlg.data.drops.file.FileDROP", "file", { filepath: "string", dirname: "string" }),
  data("dlg.data.drops.data_base.NullDROP", "null"),
  data("dlg.data.drops.data_base.EndDROP", "null", {}, true),
  app(`${S}NullBarrierApp`, simple.NullBarrierApp),
  app(`${S}DALiuGEApp`, simple.NullBarrierApp),
  app(`${S}SleepApp`, simple.SleepApp, { sleep_time: "float" }),
  app(`${S}CopyApp`, simple.CopyApp, { bufsize: "int" }),
  app(`${S}SleepAndCopyApp`, simple.SleepAndCopyApp, { sleep_time: "float", bufsize: "int" }),
  app(`${S}HelloWorldApp`, simple.HelloWorldApp, { greet: "string" }),
  app(`${S}GenericGatherApp`, simple.GenericGatherApp),
  app("dlg.apps.bash_shell_app.BashShellApp", BashShellApp, { command: "string" }),
  app(MODULE_APP, ModuleApp, { module: "string", function: "string" }, {
    barrier: false,
    check: checkModuleParams,
    allParams: true,
  }),
];

const ALIASES: Record<string, string> = {
  "dlg.data.drops.InMemoryDROP": "dlg.data.drops.memory.InMemoryDROP",
  "dlg.drop.InMemoryDROP": "dlg.data.drops.memory.InMemoryDROP",
  "dlg.data.drops.SharedMemoryDROP": "dlg.data.drops.memory.SharedMemoryDROP",
  "dlg.data.drops.FileDROP": "dlg.data.drops.file.FileDROP",
  "dlg.drop.FileDROP": "dlg.data.drops.file.FileDROP",
  "dlg.data.drops.NullDROP": "dlg.data.drops.data_base.NullDROP",
  "dlg.drop.NullDROP": "dlg.data.drops.data_base.NullDROP",
  "dlg.data.drops.EndDROP": "dlg.data.drops.data_base.EndDROP",
  "dlg.drop.EndDROP": "dlg.data.drops.data_base.EndDROP",
};

/** Classes we recognise but cannot run, with the reason given to the user. */
const UNSUPPORTED: Record<string, string> = {
  "dlg.apps.pyfunc.PyFuncApp":
    "Python functions (dlg.apps.pyfunc.PyFuncApp) are not supported by dlg-ts; " +
    "write the function as a JS/TS module and use dropclass dlg.apps.js.ModuleApp",
  "dlg.apps.pyfunc.PyMemberApp":
    "Python functions (dlg.apps.pyfunc.PyMemberApp) are not supported by dlg-ts; " +
    "write the function as a JS/TS module and use dropclass dlg.apps.js.ModuleApp",
};

const BY_NAME = new Map<string, DropClass>(CLASSES.map((c) => [c.name, c]));

/** `storage` values of old-style data specs without a `dropclass`. */
const STORAGE: Record<string, string> = {
  memory: "dlg.data.drops.memory.InMemoryDROP",
  sharedmemory: "dlg.data.drops.memory.SharedMemoryDROP",
  file: "dlg.data.drops.file.FileDROP",
  null: "dlg.data.drops.data_base.NullDROP",
};

export function canonicalName(name: string): string {
  const n = name.startsWith("dfms.") ? `dlg.${name.slice(5)}` : name;
  return ALIASES[n] ?? n;
}

/** Register a class (apps added by other modules, such as the worker-pool module apps). */
export function registerClass(cls: DropClass, aliases: string[] = []): void {
  BY_NAME.set(cls.name, cls);
  for (const a of aliases) ALIASES[a] = cls.name;
}

export type Lookup = { cls: DropClass } | { error: string };

/** Find the class of a Drop, or say why there is none. */
export function lookupClass(
  kind: "data" | "app",
  name: string | undefined,
  storage?: string,
): Lookup {
  if (!name && kind === "data") name = STORAGE[(storage ?? "file").toLowerCase()];
  if (!name) return { error: "no dropclass given" };
  const canonical = canonicalName(name);
  const unsupported = UNSUPPORTED[canonical];
  if (unsupported) return { error: unsupported };
  const cls = BY_NAME.get(canonical);
  if (cls && cls.kind === kind) return { cls };
  const supported = [...BY_NAME.values()].filter((c) => c.kind === kind).map((c) => c.name);
  return {
    error: cls
      ? `${name} is a ${cls.kind} class, not ${kind === "app" ? "an application" : "a data"} class`
      : `unknown ${kind === "app" ? "application" : "data"} class ${name}; supported: ${
        supported.join(", ")
      }`,
  };
}

export function supportedClasses(): string[] {
  return [...BY_NAME.keys()];
}
