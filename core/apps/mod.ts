/** Built-in apps and the table of Drop classes. */
export { DropClasses, type DropClassesOptions } from "./registry.ts";
export { PYFUNC_APP, PythonError, PythonPool, type PythonPoolOptions } from "./python/mod.ts";
export { decodePickle, encodePickle, isPickle, PickleError } from "./pickle.ts";
export { bashShellApp, safeName } from "./bash.ts";
export { MODULE_APP, moduleApp, moduleAppChecker, OUTPUT_RESERVE } from "./module_app.ts";
export { copyAll, readText, sleep, writeAll } from "./simple.ts";
export {
  arraySplit,
  decodeNpy,
  encodeNpy,
  isNpy,
  type NdArray,
  ndarray,
  type NpyDtype,
  toNumbers,
} from "./npy.ts";
export {
  asArray,
  asNumber,
  decodeValue,
  encodeValue,
  isNdArray,
  type Json,
  readValue,
  type Value,
} from "./values.ts";
