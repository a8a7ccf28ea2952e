/** Python apps: DALiuGE's PyFuncApp in a pool of python3 worker processes per node. */
export { type CallResult, PythonError, PythonPool, type PythonPoolOptions } from "./pool.ts";
export { buildCall, PYFUNC_APP, PYFUNC_PARAMS, pyFuncApp, pyFuncChecker } from "./pyfunc_app.ts";
export { runnerSource } from "./runner.ts";
