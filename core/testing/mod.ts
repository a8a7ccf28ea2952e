/** Helpers for tests of every folder (product code does not import this). */
export { type Truthy, waitFor, type WaitOptions } from "./wait.ts";
