/** DALiuGE's simple built-in apps (`dlg.apps.simple.*`). Light ones run on the event loop. */
import type { AppDrop, AppImpl, DataDrop } from "../drops/mod.ts";
import { asNumber, describe, isNdArray, readValue } from "./values.ts";
import { declaredInputs } from "./order.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Resolve after `seconds`, or reject when `signal` aborts. */
export function sleep(seconds: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, seconds * 1000));
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/** Every input's bytes into every output, in declaration order. */
export function copyAll(app: AppDrop): void {
  for (const input of app.inputs) {
    const bytes = input.store.bytes();
    for (const out of app.outputs) out.write(bytes);
  }
}

/** Text of a Drop's data. */
export function readText(d: DataDrop): string {
  return decoder.decode(d.store.bytes());
}

/** Write text into every output. */
export function writeAll(app: AppDrop, text: string): void {
  const bytes = encoder.encode(text);
  for (const out of app.outputs) out.write(bytes);
}

/**
 * `sleep_time` from the parameter, else from the input on the port named `sleep_time` (a
 * number in the encoding of `values.ts`). As DALiuGE, a value that is not a number means 0.
 */
function sleepTime(app: AppDrop): number {
  const p = app.params.sleep_time;
  if (typeof p === "number") return p;
  const port = app.inputs.find((i) => app.ports?.[i.oid] === "sleep_time");
  if (!port) return 0;
  const value = readValue(port);
  const n = asNumber(value);
  if (n !== undefined) return n;
  if (value !== null) {
    app.log("WARNING", `sleep_time from ${port.oid} is ${describe(value)}, not a number: using 0`);
  }
  return 0;
}

export const NullBarrierApp: AppImpl = { run() {} };

export const SleepApp: AppImpl = {
  run: (app) => sleep(sleepTime(app), app.signal),
};

export const CopyApp: AppImpl = { run: copyAll };

export const SleepAndCopyApp: AppImpl = {
  async run(app) {
    await sleep(sleepTime(app), app.signal);
    copyAll(app);
  },
};

/**
 * GenericGatherApp: the raw bytes of all inputs, concatenated in the spec's input order (on a
 * cluster, remote inputs are attached after local ones), into each output.
 */
export const GenericGatherApp: AppImpl = {
  run(app) {
    for (const input of declaredInputs(app)) {
      const bytes = input.store.bytes();
      for (const out of app.outputs) out.write(bytes);
    }
  },
};

export const HelloWorldApp: AppImpl = {
  run(app) {
    const first = app.inputs[0];
    if (!first) return writeAll(app, `Hello ${String(app.params.greet ?? "World")}`);
    const v = readValue(first);
    const value = isNdArray(v)
      ? (v.data.length ? Number(v.data[0]) : "")
      : (Array.isArray(v) ? v[0] : v) ?? "";
    writeAll(app, `Hello, ${String(value)}`);
  },
};
