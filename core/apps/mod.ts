/** Built-in apps and the table of Drop classes. */
export {
  type AppClass,
  canonicalName,
  type DataClass,
  type DropClass,
  lookupClass,
  registerClass,
  supportedClasses,
} from "./registry.ts";
export { BashShellApp, safeName } from "./bash.ts";
export { MODULE_APP, ModuleApp, moduleAppChecker, OUTPUT_RESERVE } from "./module_app.ts";
export { copyAll, readText, sleep, writeAll } from "./simple.ts";
