/** Data Drops: INITIALIZED -> WRITING -> COMPLETED, driven by their producers. */
import { Drop, type DropHost } from "./drop.ts";
import { eachLink, linkList, type Links, linksOf } from "./links.ts";
import { DropStates } from "./states.ts";
import { type DataStore, MemoryStore } from "./store.ts";

/** Anything told when a data Drop completes: a local app, or a proxy for a remote one. */
export interface Consumer {
  readonly uid: string;
  dropCompleted(input: DataDrop, status: number): void;
  dataWritten?(input: DataDrop, chunk: Uint8Array): void;
}

const { INITIALIZED, WRITING, COMPLETED, ERROR, CANCELLED, SKIPPED, EXPIRED, DELETED } = DropStates;

export class DataDrop extends Drop {
  /** On the prototype, not a field: 8 bytes less per Drop. */
  get isApp(): boolean {
    return false;
  }
  /** Undefined: in memory, made when first used (most Drops of a big graph never are). */
  #store: DataStore | undefined;
  /** The links, compact (`Links`); `consumers`... read them as arrays. */
  consumerLinks: Links<Consumer> = undefined;
  streamingConsumerLinks: Links<Consumer> = undefined;
  /** How many producers (local or remote) must finish before this Drop completes. */
  nProducers = 0;
  expectedSize = 0;
  /** Keep the data after its consumers finish. */
  persist = false;
  /** True for EndDROP: completing it ends the session. */
  isEnd = false;
  #finished = 0;
  #producerError: string | undefined = undefined;

  /** Where the Drop lives when not here (`node H:P` for a proxy of a remote Drop). */
  get origin(): string | undefined {
    return undefined;
  }

  /** Where the bytes are: a store of its own (memory, made on first use, unless given one). */
  get store(): DataStore {
    return this.#store ??= new MemoryStore(this.expectedSize);
  }
  set store(s: DataStore) {
    this.#store = s;
  }

  /** `store`: undefined for memory, made when first used (an empty one holds nothing). */
  constructor(oid: string, uid: string, host: DropHost, store?: DataStore) {
    super(oid, uid, host);
    this.#store = store;
  }

  get consumers(): readonly Consumer[] {
    return linkList(this.consumerLinks);
  }
  set consumers(list: readonly Consumer[]) {
    this.consumerLinks = linksOf(list);
  }
  get streamingConsumers(): readonly Consumer[] {
    return linkList(this.streamingConsumerLinks);
  }
  set streamingConsumers(list: readonly Consumer[]) {
    this.streamingConsumerLinks = linksOf(list);
  }

  /** Append bytes; streaming consumers see each chunk as it is written. */
  write(chunk: Uint8Array): void {
    if (this.status !== INITIALIZED && this.status !== WRITING) {
      throw new Error(`${this.oid} is not writable in state ${this.status}`);
    }
    const from = this.store.size;
    this.store.write(chunk);
    this.#written(from, chunk);
  }

  /**
   * A worker wrote straight into this Drop's shared buffer up to `size` bytes (MemoryStore
   * only): commit them, then the same as `write`.
   */
  wroteShared(size: number): void {
    if (this.status !== INITIALIZED && this.status !== WRITING) {
      throw new Error(`${this.oid} is not writable in state ${this.status}`);
    }
    if (!(this.store instanceof MemoryStore)) throw new TypeError(`${this.oid} is not in memory`);
    const from = this.store.size;
    this.store.commit(size);
    this.#written(from, undefined);
  }

  #written(from: number, chunk: Uint8Array | undefined): void {
    this.setStatus(WRITING);
    if (this.streamingConsumerLinks !== undefined) {
      // Consumers get a view of the shared buffer itself when the data is in memory.
      const store = this.store;
      const view = store instanceof MemoryStore ? store.view(from) : chunk ?? new Uint8Array(0);
      eachLink(this.streamingConsumerLinks, (c) => c.dataWritten?.(this, view));
    }
    if (this.expectedSize > 0 && this.store.size >= this.expectedSize) this.setCompleted();
  }

  /** Move to COMPLETED (or re-announce SKIPPED) and tell the consumers. */
  setCompleted(): void {
    const s = this.status;
    if (s === SKIPPED) return this.#fire(SKIPPED);
    if (s !== INITIALIZED && s !== WRITING) return;
    this.#closeStore();
    try {
      this.#store?.finish?.();
    } catch (e) {
      return this.setError(`cannot complete the data: ${(e as Error).message}`);
    }
    this.setStatus(COMPLETED);
    this.#fire(COMPLETED);
  }

  setError(message?: string): void {
    const s = this.status;
    if (s === SKIPPED) return this.#fire(SKIPPED);
    if (s !== INITIALIZED && s !== WRITING) return;
    if (message) {
      this.error = message;
      this.log("ERROR", message);
    }
    this.#closeStore();
    this.setStatus(ERROR);
    this.#fire(ERROR);
  }

  /** SKIPPED without telling anyone yet: that happens when the producers finish. */
  skip(): void {
    if (this.status === INITIALIZED || this.status === WRITING) {
      this.#closeStore();
      this.setStatus(SKIPPED);
    }
  }

  /** Skip and tell the consumers now (a Drop with no producer left to finish). */
  skipAndNotify(): void {
    this.skip();
    if (this.status === SKIPPED) this.#fire(SKIPPED);
  }

  cancel(): void {
    if (this.status === INITIALIZED || this.status === WRITING) {
      this.#closeStore();
      this.setStatus(CANCELLED);
    }
  }

  /**
   * A producer finished with `status` (`why`: its error); after the last one this Drop
   * completes or fails. A
   * skipped producer skips it (as a local app's skip() does; this is how a skip crosses nodes).
   */
  producerFinished(status: number, why?: string): void {
    if (status === ERROR) this.#producerError ??= why ?? "a producer of this Drop failed";
    else if (status === SKIPPED) this.skip();
    if (++this.#finished < this.nProducers) return;
    if (this.#producerError !== undefined) this.setError(this.#producerError);
    else this.setCompleted();
  }

  /** COMPLETED -> EXPIRED, freeing the data unless it persists. */
  expire(): void {
    if (this.status !== COMPLETED || this.persist) return;
    this.#store?.release();
    this.setStatus(EXPIRED);
  }

  /** EXPIRED -> DELETED. */
  delete(): void {
    if (this.status === EXPIRED) this.setStatus(DELETED);
  }

  #closeStore(): void {
    try {
      this.#store?.close();
    } catch (e) {
      this.log("WARNING", `closing the data failed: ${(e as Error).message}`);
    }
  }

  #fire(status: number): void {
    eachLink(this.consumerLinks, (c) => c.dropCompleted(this, status));
    eachLink(this.streamingConsumerLinks, (c) => c.dropCompleted(this, status));
  }
}
