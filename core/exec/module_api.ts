/**
 * What a module app's function receives (dropclass `dlg.apps.js.ModuleApp`). Types only:
 * module authors may import them; the worker builds the values.
 *
 * ```ts
 * import type { ModuleContext } from "dlg-ts/core/exec/module_api.ts";
 * export function sum(ctx: ModuleContext) {
 *   const text = new TextDecoder().decode(ctx.inputs[0]!.bytes);
 *   ctx.outputs[0]!.write(String(text.split(/\s+/).filter(Boolean).map(Number).reduce((a, b) => a + b, 0)));
 * }
 * ```
 */

export interface Named {
  readonly oid: string;
  readonly uid: string;
  /** The port name the graph gave the link, else the uid. */
  readonly name: string;
}

/** A completed input. For memory Drops `bytes` views the Drop's SharedArrayBuffer itself. */
export interface InputView extends Named {
  /** The data, never a copy for memory Drops: read it, do not modify it. */
  readonly bytes: Uint8Array;
  /** The data as UTF-8 text. */
  text(): string;
}

/** An output. For a memory Drop with one producer, bytes land in its shared buffer directly. */
export interface Writer extends Named {
  /** Bytes written so far by this app. */
  readonly size: number;
  /** Append bytes (or UTF-8 text). Throws once the app has finished or the Drop is full. */
  write(data: Uint8Array | string): void;
  /**
   * Append `n` bytes and return them as a view to fill in place (no intermediate copy). They
   * are committed (and streamed) at the next write/alloc or when the function returns.
   */
  alloc(n: number): Uint8Array;
}

/** A streaming input: its chunks as they are written; the loop ends when the Drop completes. */
export interface StreamInput extends Named, AsyncIterable<Uint8Array> {}

export interface ModuleContext {
  readonly app: { readonly oid: string; readonly uid: string; readonly sessionId: string };
  /** All the Drop's parameters: top-level keys, overridden by `applicationArgs` values. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly inputs: readonly InputView[];
  readonly outputs: readonly Writer[];
  readonly streams: readonly StreamInput[];
  /** An input, output or stream by port name, uid or oid. */
  input(name: string): InputView | undefined;
  output(name: string): Writer | undefined;
  stream(name: string): StreamInput | undefined;
  /** A line in the Drop's log (GET .../graph/drop/<oid>). */
  log(message: string, level?: "INFO" | "WARNING" | "ERROR"): void;
}

/** The exported function: its inputs are complete (streams excepted); throw to fail the Drop. */
export type ModuleFunction = (ctx: ModuleContext) => void | Promise<void>;
