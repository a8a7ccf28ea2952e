/** A queue of byte chunks read as an async iterable: streaming inputs, on either thread. */
export class ChunkFeed implements AsyncIterable<Uint8Array> {
  #queue: Uint8Array[] = [];
  #ended = false;
  #error: Error | undefined;
  #wake: (() => void) | null = null;

  get ended(): boolean {
    return this.#ended;
  }

  push(chunk: Uint8Array): void {
    if (this.#ended) return;
    this.#queue.push(chunk);
    this.#notify();
  }

  /** No more chunks; readers see `error` after the queued ones, when given. */
  end(error?: Error): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    this.#notify();
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    let i = 0;
    while (true) {
      if (i < this.#queue.length) {
        const chunk = this.#queue[i++]!;
        if (i > 1024) {
          this.#queue = this.#queue.slice(i);
          i = 0;
        }
        yield chunk;
      } else if (this.#ended) {
        this.#queue = [];
        if (this.#error) throw this.#error;
        return;
      } else {
        await new Promise<void>((r) => (this.#wake = r));
      }
    }
  }
}
