/**
 * `dlg.apps.bash_shell_app.BashShellApp`: `command` through `/bin/bash -c` in the session
 * directory. Placeholders `{oid}`, `{uid}`, `{port}`, `%iN`, `%oN`, `%i[uid]`, `%o[uid]` become
 * file paths, each one shell word; memory Drops are staged through files under the session
 * directory.
 */
import { ChunkFeed, runBash } from "../exec/mod.ts";
import {
  type AppDrop,
  type AppImpl,
  AppStates,
  type DataDrop,
  MemoryStore,
  NullStore,
} from "../drops/mod.ts";

/** A file name safe to use for any uid. */
export function safeName(uid: string): string {
  return uid.replace(/[^A-Za-z0-9._-]/g, "_");
}

/**
 * `s` as one bash word: unchanged when it has only characters bash never expands or splits on,
 * else single-quoted, `'` as `'\''`. (Inside quotes in the command, `quoteFor` escapes instead.)
 */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_./:@%+=,-]+$/.test(s)) return s;
  return `'${s.replaceAll("'", "'\\''")}'`;
}

interface Staged {
  drop: DataDrop;
  path: string;
  /** Memory output: read the file back into the Drop after the run. */
  readBack: boolean;
}

function stage(app: AppDrop, d: DataDrop, isInput: boolean): Staged {
  if (d.store.path) return { drop: d, path: d.store.path, readBack: false };
  if (d.store instanceof NullStore) return { drop: d, path: "/dev/null", readBack: false };
  const dir = `${app.host.dir}/.stage`;
  Deno.mkdirSync(dir, { recursive: true });
  const path = `${dir}/${safeName(d.uid)}${isInput ? "" : `.from-${safeName(app.uid)}`}`;
  if (isInput) Deno.writeFileSync(path, d.store.bytes());
  return { drop: d, path, readBack: d.store instanceof MemoryStore };
}

/**
 * Replace every placeholder of `command` with the staged paths, each one shell word. One pass
 * over the command, so a substituted path is never read again as a placeholder.
 */
export function substitute(
  command: string,
  app: AppDrop,
  inputs: Staged[],
  outputs: Staged[],
): string {
  const byKey = new Map<string, string>();
  for (const s of [...inputs, ...outputs]) {
    byKey.set(s.drop.oid, s.path);
    byKey.set(s.drop.uid, s.path);
    const port = app.ports?.[s.drop.oid];
    if (port && !byKey.has(port)) byKey.set(port, s.path);
  }
  const pick = (io: string, key: string) => {
    const list = io === "i" ? inputs : outputs;
    return /^\d+$/.test(key) ? list[Number(key)]?.path : list.find((s) => s.drop.uid === key)?.path;
  };
  const placeholder = /%([io])\[([^\]]+)\]|%([io])(\d+)|\{([^{}\s]+)\}/g;
  const quotes = quoteStates(command);
  return command.replace(placeholder, (m, io, key, io2, n, name, at: number) => {
    const path = io ? pick(io, key) : io2 ? pick(io2, n) : byKey.get(name);
    return path === undefined ? m : quoteFor(quotes[at]!, path);
  });
}

/** Where a placeholder stands: outside quotes, inside '...' or inside "...". */
type QuoteState = "none" | "single" | "double";

/** The quoting in force at each character of a bash command (backslashes honoured). */
export function quoteStates(command: string): QuoteState[] {
  const out: QuoteState[] = [];
  let state: QuoteState = "none";
  for (let i = 0; i < command.length; i++) {
    out.push(state);
    const ch = command[i];
    if (state === "single") {
      if (ch === "'") state = "none";
    } else if (ch === "\\") {
      out.push(state);
      i++;
    } else if (ch === '"') state = state === "double" ? "none" : "double";
    else if (ch === "'" && state === "none") state = "single";
  }
  return out;
}

/** `s` as it must be written where `state` is in force, to stay one word with nothing run. */
function quoteFor(state: QuoteState, s: string): string {
  if (state === "double") return s.replace(/[\\$`"]/g, "\\$&");
  if (state === "single") return s.replaceAll("'", "'\\''");
  return shellQuote(s);
}

/** Streaming inputs of a running (or about to run) app: their chunks, merged, for stdin. */
interface Stdin {
  feed: ChunkFeed;
  ended: number;
  failed: string | undefined;
}
/** A BashShellApp implementation with its own per-app stdin state (one per class table). */
export function bashShellApp(): AppImpl {
  const stdins = new WeakMap<AppDrop, Stdin>();
  const stdinOf = (app: AppDrop): Stdin => {
    let s = stdins.get(app);
    if (!s) {
      s = { feed: new ChunkFeed(), ended: 0, failed: undefined };
      stdins.set(app, s);
      app.signal.addEventListener("abort", () => s!.feed.end(), { once: true });
    }
    return s;
  };
  return {
    /** A streaming input's chunk goes to the command's stdin. */
    dataWritten(app, _input, chunk) {
      if (app.execStatus < AppStates.FINISHED) stdinOf(app).feed.push(chunk);
    },
    /** stdin closes when every streaming input has ended. */
    streamEnded(app, input, status) {
      if (app.execStatus >= AppStates.FINISHED) return;
      const s = stdinOf(app);
      if (status === 3) s.failed ??= `streaming input ${input.oid} failed`;
      if (++s.ended >= app.streamingInputs.length) s.feed.end();
    },
    async run(app) {
      const command = app.params.command;
      if (typeof command !== "string" || !command.trim()) {
        throw new Error(`BashShellApp ${app.oid} has no command`);
      }
      const inputs = app.inputs.map((d) => stage(app, d, true));
      const outputs = app.outputs.map((d) => stage(app, d, false));
      const cmd = substitute(command, app, inputs, outputs);
      app.log("INFO", `running: ${cmd}`);
      const r = await runBash(cmd, {
        cwd: app.host.dir,
        env: {
          DLG_UID: app.uid,
          DLG_SESSION_ID: app.host.sessionId,
          DLG_ROOT: app.host.root,
        },
        signal: app.signal,
        stdin: app.streamingInputs.length ? stdinOf(app).feed : undefined,
      });
      const failed = stdins.get(app)?.failed;
      stdins.delete(app);
      if (failed) throw new Error(failed);
      if (r.stdout) app.log("INFO", `stdout: ${r.stdout}`);
      if (r.code !== 0) {
        throw new Error(`command exited with code ${r.code}: ${r.stderr.trim() || "(no stderr)"}`);
      }
      for (const o of outputs) {
        if (!o.readBack) continue;
        try {
          o.drop.write(Deno.readFileSync(o.path));
        } catch (e) {
          if (!(e instanceof Deno.errors.NotFound)) throw e;
        }
      }
    },
  };
}
