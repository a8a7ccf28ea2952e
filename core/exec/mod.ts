/** Execution: the worker pool and its message protocol, streamed chunks, child processes. */
export { killGroup, runBash } from "./subprocess.ts";
export type { RunOptions, RunResult } from "./subprocess.ts";
export { ChunkFeed } from "./chunk_feed.ts";
export {
  DEFAULT_WORKER_URL,
  type JobHandle,
  type JobSpec,
  type StreamMsg,
  WorkerPool,
  type WorkerPoolOptions,
} from "./pool.ts";
export type { InputRef, JobEvent, OutputRef, RunMsg } from "./protocol.ts";
export type {
  InputView,
  ModuleContext,
  ModuleFunction,
  StreamInput,
  Writer,
} from "./module_api.ts";
