/**
 * Application Drops, as DALiuGE's InputFiredAppDROP/BarrierAppDROP: count input completions by
 * state, then fail (error threshold), skip, or run; retry up to `n_tries`; tell the outputs.
 */
/** Resolved parameters of an app (core/graph resolves them). */
type Params = Record<string, unknown>;
import type { Consumer, DataDrop } from "./data_drop.ts";
import { CannotRun, Drop, type DropHost } from "./drop.ts";
import { eachLink, linkCount, linkList, type Links, linksHave, linksOf } from "./links.ts";
import { AppStates, DropStates } from "./states.ts";

/** What an app class does when it runs. */
export interface AppImpl {
  /** Sync for light apps (they run on the event loop); a Promise for the rest. */
  run(app: AppDrop): void | Promise<void>;
  /**
   * A streaming input got a chunk. Apps that implement it accept streaming inputs (barrier
   * apps do not) and start when streaming starts, not when their inputs complete.
   */
  dataWritten?(app: AppDrop, input: DataDrop, chunk: Uint8Array): void;
  /** A streaming input finished with `status` (COMPLETED, ERROR or SKIPPED). */
  streamEnded?(app: AppDrop, input: DataDrop, status: number): void;
}

export interface AppOptions {
  nEffectiveInputs: number;
  inputErrorThreshold: number;
  nTries: number;
  blockSkip: boolean;
}

const { INITIALIZED, COMPLETED, ERROR, CANCELLED, SKIPPED } = DropStates;
const STREAMING = 1;
const DECIDED = 2;

export class AppDrop extends Drop implements Consumer {
  /** On the prototype, not a field: 8 bytes less per Drop. */
  get isApp(): boolean {
    return true;
  }
  readonly impl: AppImpl;
  readonly params: Params;
  execStatus = 0;
  /** The links, compact (`Links`); `inputs`, `outputs`... read them as arrays. */
  inputLinks: Links<DataDrop> = undefined;
  streamingInputLinks: Links<DataDrop> = undefined;
  outputLinks: Links<DataDrop> = undefined;
  /** Port name per linked OID, when the graph named one. */
  ports: Record<string, string> | undefined = undefined;
  /** -1: all inputs. */
  nEffectiveInputs = -1;
  inputErrorThreshold = 0;
  nTries = 1;
  blockSkip = false;
  #ok = 0;
  #errors = 0;
  /** The first input that failed: its error says why this app does not run. */
  #failedInput: DataDrop | undefined = undefined;
  #skipped = 0;
  /** Bit 1: a streaming input wrote or finished (streaming apps may start). Bit 2: failed,
   * skipped or made ready once, so later input events change nothing. One field for both. */
  #flags = 0;
  #ctrl: AbortController | null = null;

  constructor(oid: string, uid: string, host: DropHost, impl: AppImpl, params: Params) {
    super(oid, uid, host);
    this.impl = impl;
    this.params = params;
  }

  get inputs(): readonly DataDrop[] {
    return linkList(this.inputLinks);
  }
  set inputs(list: readonly DataDrop[]) {
    this.inputLinks = linksOf(list);
  }
  get streamingInputs(): readonly DataDrop[] {
    return linkList(this.streamingInputLinks);
  }
  set streamingInputs(list: readonly DataDrop[]) {
    this.streamingInputLinks = linksOf(list);
  }
  get outputs(): readonly DataDrop[] {
    return linkList(this.outputLinks);
  }
  set outputs(list: readonly DataDrop[]) {
    this.outputLinks = linksOf(list);
  }

  /** Aborted when the app is cancelled; made on first use. */
  get signal(): AbortSignal {
    return (this.#ctrl ??= new AbortController()).signal;
  }

  protected setExec(execStatus: number): void {
    if (this.execStatus === execStatus) return;
    const prev = this.status;
    this.execStatus = execStatus;
    this.host.changed(this, prev);
  }

  /** An input finished with `status` (COMPLETED, ERROR or SKIPPED). */
  dropCompleted(input: DataDrop, status: number): void {
    if (linksHave(this.streamingInputLinks, input)) {
      this.impl.streamEnded?.(this, input, status);
      return this.#streamStarted(status);
    }
    if (this.status !== INITIALIZED || this.execStatus !== AppStates.NOT_RUN) return;
    if (status === ERROR) {
      this.#errors++;
      this.#failedInput ??= input;
    } else if (status === SKIPPED) this.#skipped++;
    else this.#ok++;
    this.#maybeStart();
  }

  /** Streaming started (first chunk) or a streaming input ended before any chunk. */
  #streamStarted(status: number): void {
    if (this.#flags & STREAMING) return;
    this.#flags |= STREAMING;
    if (this.status !== INITIALIZED || this.execStatus !== AppStates.NOT_RUN) return;
    if (status === ERROR) this.#errors++;
    else if (status === SKIPPED) this.#skipped++;
    this.#maybeStart();
  }

  /** Every counted input finished (and streaming began, if any): fail, skip or run. */
  #maybeStart(): void {
    const n = this.nEffectiveInputs === -1 ? linkCount(this.inputLinks) : this.nEffectiveInputs;
    const done = this.#ok + this.#errors + this.#skipped;
    const flags = this.#flags;
    if (flags & DECIDED || done < n) return;
    if (this.streamingInputLinks !== undefined && !(flags & STREAMING)) return;
    this.#flags = flags | DECIDED;
    const percentFailed = n > 0 ? Math.floor((this.#errors / n) * 100) : this.#errors ? 100 : 0;
    if (percentFailed > this.inputErrorThreshold) {
      const i = this.#failedInput;
      const which = i
        ? `: input ${i.oid}${i.origin ? ` on ${i.origin}` : ""} failed: ${
          i.error ?? "no reason given"
        }`
        : "";
      this.error =
        `${this.#errors} of ${n} inputs failed (threshold ${this.inputErrorThreshold}%)` +
        which;
      this.log("ERROR", this.error);
      this.execStatus = AppStates.ERROR;
      this.setStatus(ERROR);
      this.#notifyOutputs(ERROR);
    } else if (
      (!this.blockSkip && this.#skipped > 0) || (this.blockSkip && this.#skipped === n)
    ) {
      this.skip();
    } else {
      this.host.ready(this);
    }
  }

  dataWritten(input: DataDrop, chunk: Uint8Array): void {
    this.impl.dataWritten?.(this, input, chunk);
    if (!(this.#flags & STREAMING)) this.#streamStarted(COMPLETED);
  }

  /** Start as a root (listed in `completed`). */
  trigger(): void {
    if (this.status === INITIALIZED && this.execStatus === AppStates.NOT_RUN) {
      this.host.ready(this);
    }
  }

  /** Run now (the scheduler calls this), retrying up to `nTries`. */
  execute(): void | Promise<void> {
    if (this.status !== INITIALIZED || this.execStatus !== AppStates.NOT_RUN) return;
    this.setExec(AppStates.RUNNING);
    return this.#attempt(1);
  }

  #attempt(tries: number): void | Promise<void> {
    let result: void | Promise<void>;
    try {
      result = this.impl.run(this);
    } catch (e) {
      return this.#failed(e, tries);
    }
    if (result instanceof Promise) {
      return result.then(() => this.#succeeded(), (e) => this.#failed(e, tries));
    }
    this.#succeeded();
  }

  #failed(e: unknown, tries: number): void | Promise<void> {
    if (this.execStatus !== AppStates.RUNNING) return;
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.log("ERROR", `try ${tries}/${this.nTries}: ${msg}`);
    const never = e instanceof CannotRun && this.host.cannotRun !== undefined;
    if (tries < this.nTries && !never) return this.#attempt(tries + 1);
    this.error = e instanceof Error ? e.message : String(e);
    this.execStatus = AppStates.ERROR;
    this.setStatus(ERROR);
    // The session stops: its outputs are cancelled with the rest, not failed one by one.
    if (never) return this.host.cannotRun!(this, this.error);
    this.#notifyOutputs(ERROR);
  }

  #succeeded(): void {
    if (this.execStatus !== AppStates.RUNNING) return;
    this.execStatus = AppStates.FINISHED;
    this.setStatus(COMPLETED);
    this.#notifyOutputs(COMPLETED);
  }

  /** SKIPPED, its outputs too, then `producerFinished(SKIPPED)` as DALiuGE does. */
  skip(): void {
    if (this.status !== INITIALIZED) return;
    const wasNotRun = this.execStatus === AppStates.NOT_RUN;
    this.execStatus = AppStates.SKIPPED;
    this.setStatus(SKIPPED);
    eachLink(this.outputLinks, (o) => o.skip());
    if (wasNotRun) this.#notifyOutputs(SKIPPED);
  }

  cancel(): void {
    if (this.status !== INITIALIZED) return;
    this.execStatus = AppStates.CANCELLED;
    this.setStatus(CANCELLED);
    this.#ctrl?.abort(new Error("cancelled"));
  }

  /** Tell every output this app finished; an output it skipped (a branch) hears SKIPPED. */
  #notifyOutputs(status: number): void {
    const why = status === ERROR ? `app ${this.oid} failed: ${this.error}` : undefined;
    eachLink(
      this.outputLinks,
      (o) => o.producerFinished(o.status === SKIPPED ? SKIPPED : status, why),
    );
  }
}
