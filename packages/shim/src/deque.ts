/**
 * Python's `collections.deque`, as much of it as asynchat's `producer_fifo` uses: O(1) at both
 * ends, so a long output queue drains in linear time (a JS array's `shift()` is O(n)).
 *
 * @example
 * const fifo = new deque<number>();
 * fifo.append(2);
 * fifo.appendleft(1);
 * fifo.popleft(); // 1
 * fifo.length;    // 1
 */
export class deque<T> {
  private items: (T | undefined)[] = new Array<T | undefined>(8);
  private head = 0;
  private size = 0;

  /** How many items the deque holds (Python's `len(fifo)`). */
  get length(): number {
    return this.size;
  }

  /** Adds an item at the right end. */
  append(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.items[(this.head + this.size) & (this.items.length - 1)] = item;
    this.size++;
  }

  /** Adds an item at the left end. */
  appendleft(item: T): void {
    if (this.size === this.items.length) this.grow();
    this.head = (this.head - 1) & (this.items.length - 1);
    this.items[this.head] = item;
    this.size++;
  }

  /** Removes and returns the leftmost item; throws an `IndexError` when empty, as Python does. */
  popleft(): T {
    if (this.size === 0) throw indexError('pop from an empty deque');
    const item = this.items[this.head] as T;
    this.items[this.head] = undefined;
    this.head = (this.head + 1) & (this.items.length - 1);
    this.size--;
    return item;
  }

  /** Removes and returns the rightmost item; throws an `IndexError` when empty. */
  pop(): T {
    if (this.size === 0) throw indexError('pop from an empty deque');
    const index = (this.head + this.size - 1) & (this.items.length - 1);
    const item = this.items[index] as T;
    this.items[index] = undefined;
    this.size--;
    return item;
  }

  /** The item at `index` (negative counts from the right), like `fifo[index]`. */
  at(index: number): T {
    return this.items[this.slot(index)] as T;
  }

  /** Replaces the item at `index`, like `fifo[index] = item`. */
  set(index: number, item: T): void {
    this.items[this.slot(index)] = item;
  }

  /** Removes every item. */
  clear(): void {
    this.items = new Array<T | undefined>(8);
    this.head = 0;
    this.size = 0;
  }

  *[Symbol.iterator](): IterableIterator<T> {
    for (let i = 0; i < this.size; i++) yield this.items[(this.head + i) & (this.items.length - 1)] as T;
  }

  private slot(index: number): number {
    const position = index < 0 ? index + this.size : index;
    if (!Number.isInteger(position) || position < 0 || position >= this.size) {
      throw indexError(`deque index out of range: ${index} (length ${this.size})`);
    }
    return (this.head + position) & (this.items.length - 1);
  }

  private grow(): void {
    const larger = new Array<T | undefined>(this.items.length * 2);
    for (let i = 0; i < this.size; i++) larger[i] = this.items[(this.head + i) & (this.items.length - 1)];
    this.items = larger;
    this.head = 0;
  }
}

function indexError(message: string): Error {
  const error = new Error(message);
  error.name = 'IndexError';
  return error;
}
