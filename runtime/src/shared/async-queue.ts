/**
 * A single-consumer async queue: producers push without blocking, one consumer iterates with
 * `for await`. Turns callbacks and timers into the `AsyncIterable` results of the speech ports, and
 * buffers a streamed bot turn ahead of the prompt being spoken.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly items: T[] = [];
  private state: 'open' | 'closed' | 'failed' = 'open';
  private failure: unknown;
  private wake: (() => void) | undefined;

  /** Queues an item; ignored once the queue is closed or failed. */
  push(item: T): void {
    if (this.state !== 'open') return;
    this.items.push(item);
    this.notify();
  }

  /** Ends the iteration after the items already queued. */
  close(): void {
    if (this.state !== 'open') return;
    this.state = 'closed';
    this.notify();
  }

  /** Ends the iteration with `error` once the items already queued are consumed. */
  fail(error: unknown): void {
    if (this.state !== 'open') return;
    this.state = 'failed';
    this.failure = error;
    this.notify();
  }

  /** True once `close` or `fail` was called. */
  get ended(): boolean {
    return this.state !== 'open';
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    for (;;) {
      const item = this.items.shift();
      if (item !== undefined) {
        yield item;
        continue;
      }
      if (this.state === 'closed') return;
      if (this.state === 'failed') throw this.failure;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
    }
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
