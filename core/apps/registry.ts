/**
 * The Drop classes dlg-ts knows, by DALiuGE class name (with the aliases real graphs use), and
 * the parameters each one reads. Each manager has its own table (`new DropClasses()`): the
 * per-app state of its apps lives there, and classes registered on it stay with it.
 */
import type { AppImpl } from "../drops/mod.ts";
import type {
  AppClass,
  ClassTable,
  DataClass,
  DropClass,
  Lookup,
  ParamDecl,
} from "../graph/mod.ts";
import * as arrays from "./arrays.ts";
import { bashShellApp } from "./bash.ts";
import { SimpleBranch } from "./branch.ts";
import { checkModuleParams, MODULE_APP, moduleApp } from "./module_app.ts";
import * as simple from "./simple.ts";
import {
  PYFUNC_APP,
  PYFUNC_PARAMS,
  pyFuncApp,
  pyFuncChecker,
  type PythonPool,
} from "./python/mod.ts";

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
/** What a manager gives its table: a node has a Python pool for PyFuncApp. */
export interface DropClassesOptions {
  python?: PythonPool;
}

/** The built-in classes, with fresh implementations of the apps that keep per-app state. */
const builtins = (o: DropClassesOptions): DropClass[] => [
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
  app(`${S}GenericGatherApp`, simple.GenericGatherApp, { inputs: "any" }),
  // `outputs` (the spec's link list) gives branch and scatter their output order on any node.
  app(`${S}SimpleBranch`, SimpleBranch, { result: "bool", outputs: "any" }),
  app(`${S}PickOne`, arrays.PickOne),
  app(`${S}RandomArrayApp`, arrays.RandomArrayApp, {
    size: "int",
    integer: "bool",
    low: "float",
    high: "float",
  }),
  app(`${S}GenericScatterApp`, arrays.GenericScatterApp, { num_of_copies: "int", outputs: "any" }),
  app(`${S}ArrayGatherApp`, arrays.ArrayGatherApp),
  app("dlg.apps.bash_shell_app.BashShellApp", bashShellApp(), { command: "string" }, {
    check: (p) =>
      typeof p.command === "string" && p.command.trim()
        ? undefined
        : "BashShellApp has no command (parameter command is not set; " +
          "EAGLE's positional Arg01.. parameters are not read as the command)",
  }),
  app(MODULE_APP, moduleApp(), { module: "string", function: "string" }, {
    barrier: false,
    check: checkModuleParams,
    allParams: true,
  }),
  app(PYFUNC_APP, pyFuncApp(o.python), PYFUNC_PARAMS, {
    check: pyFuncChecker(o.python),
    allParams: true,
  }),
];

const ALIASES: Readonly<Record<string, string>> = {
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
const UNSUPPORTED: Readonly<Record<string, string>> = {
  "dlg.apps.pyfunc.PyMemberApp":
    "Python methods of data Drops (dlg.apps.pyfunc.PyMemberApp) are not supported by dlg-ts; " +
    "call a function with dlg.apps.pyfunc.PyFuncApp, or write a module app (dlg.apps.js.ModuleApp)",
};

/** `storage` values of old-style data specs without a `dropclass`. */
const STORAGE: Readonly<Record<string, string>> = {
  memory: "dlg.data.drops.memory.InMemoryDROP",
  sharedmemory: "dlg.data.drops.memory.SharedMemoryDROP",
  file: "dlg.data.drops.file.FileDROP",
  null: "dlg.data.drops.data_base.NullDROP",
};

export class DropClasses implements ClassTable {
  #byName: Map<string, DropClass>;
  #aliases: Record<string, string> = { ...ALIASES };

  constructor(options: DropClassesOptions = {}) {
    this.#byName = new Map(builtins(options).map((c) => [c.name, c]));
  }

  /** A class name as registered (DALiuGE's aliases and old `dfms.` names resolved). */
  canonicalName(name: string): string {
    const n = name.startsWith("dfms.") ? `dlg.${name.slice(5)}` : name;
    return this.#aliases[n] ?? n;
  }

  /** Add a class (an app a deployment brings) to this table only. */
  register(cls: DropClass, aliases: string[] = []): void {
    this.#byName.set(cls.name, cls);
    for (const a of aliases) this.#aliases[a] = cls.name;
  }

  lookup(kind: "data" | "app", name: string | undefined, storage?: string): Lookup {
    if (!name && kind === "data") name = STORAGE[(storage ?? "file").toLowerCase()];
    if (!name) return { error: "no dropclass given" };
    const canonical = this.canonicalName(name);
    const unsupported = UNSUPPORTED[canonical];
    if (unsupported) return { error: unsupported };
    const cls = this.#byName.get(canonical);
    if (cls && cls.kind === kind) return { cls };
    const supported = [...this.#byName.values()].filter((c) => c.kind === kind).map((c) => c.name);
    const what = kind === "app" ? "application" : "data";
    return {
      error: cls
        ? `${name} is a ${cls.kind} class, not ${
          kind === "app" ? "an application" : "a data"
        } class`
        : `unknown ${what} class ${name}; supported: ${supported.join(", ")}`,
    };
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }
}
