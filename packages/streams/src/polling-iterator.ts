import type { StreamReader } from './reader';

/** The end of an iteration: a fresh object each time, so no caller can change another's. */
const done = (): IteratorReturnResult<undefined> => ({ value: undefined, done: true });

/**
 * The shared machinery of the reader's hand-written async iterators (frames, batches, chunks).
 *
 * Why not an async generator: a generator costs two to three times more per item on the hot path
 * (a promise and a resumption per step). Here `next()` returns an already resolved promise when an
 * item is buffered; otherwise it registers as the reader's single waiter and the reader wakes it
 * synchronously from `feedData`, so the pending promise resolves in the same tick the data arrives.
 *
 * `return()` (leaving `for await` early) only ends this iterator: the reader, its buffered bytes
 * and the socket stay usable, unlike a Node socket's own iterator, which destroys the socket.
 */
export abstract class PollingIterator<T> implements AsyncIterableIterator<T> {
  private finished = false;
  private resolvePending: ((result: IteratorResult<T>) => void) | null = null;
  private rejectPending: ((error: unknown) => void) | null = null;
  private readonly wake = (): void => this.onWake();

  constructor(
    protected readonly reader: StreamReader,
    /** The name a concurrent read sees in its ConcurrentReadError. */
    private readonly method: string,
  ) {}

  /**
   * The next item if one can be had without waiting, `done()` at the end, or `null` to wait for more
   * data. Throws to end the iteration with an error.
   */
  protected abstract step(): IteratorResult<T> | null;

  /** Marks the iteration as ended after the result `step()` is returning. */
  protected finish(): void {
    this.finished = true;
  }

  /** The result that ends an iteration. */
  protected static done(): IteratorReturnResult<undefined> {
    return done();
  }

  /**
   * Whether `next()` may poll right now (not finished, no `next()` pending): lets a subclass try
   * its per-item fast path before falling back to `next()`.
   */
  protected canPoll(): boolean {
    return !this.finished && this.resolvePending === null;
  }

  /** Ends the iteration with `error`, as a throwing `step()` does. */
  protected failNow(error: unknown): Promise<never> {
    this.finished = true;
    return Promise.reject(error);
  }

  next(): Promise<IteratorResult<T>> {
    if (this.finished) return Promise.resolve(done());
    if (this.resolvePending !== null) {
      return Promise.reject(
        new Error(`${this.method}(): next() called again before the previous next() settled`),
      );
    }
    let result: IteratorResult<T> | null;
    try {
      result = this.step();
    } catch (error) {
      this.finished = true;
      return Promise.reject(error);
    }
    if (result !== null) return Promise.resolve(result);
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.resolvePending = resolve;
      this.rejectPending = reject;
      this.waitOrFail();
    });
  }

  return(): Promise<IteratorResult<T>> {
    this.finished = true;
    const resolve = this.resolvePending;
    if (resolve !== null) {
      this.reader.cancelWait(this.wake);
      this.clearPending();
      resolve(done());
    }
    return Promise.resolve(done());
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private waitOrFail(): void {
    try {
      this.reader.waitThen(this.method, this.wake);
    } catch (error) {
      this.fail(error);
    }
  }

  private onWake(): void {
    const resolve = this.resolvePending;
    if (resolve === null) return;
    let result: IteratorResult<T> | null;
    try {
      result = this.step();
    } catch (error) {
      this.fail(error);
      return;
    }
    if (result === null) {
      this.waitOrFail();
      return;
    }
    this.clearPending();
    resolve(result);
  }

  private fail(error: unknown): void {
    const reject = this.rejectPending;
    this.finished = true;
    this.clearPending();
    if (reject !== null) reject(error);
  }

  private clearPending(): void {
    this.resolvePending = null;
    this.rejectPending = null;
  }
}
