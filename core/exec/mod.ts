/** Execution helpers: child processes (and, later, the worker pool). */
export { killGroup, runBash } from "./subprocess.ts";
export type { RunOptions, RunResult } from "./subprocess.ts";
