import { FrameBuffer, toSeparatorBytes } from '@asynchat/streams';
import { dispatcher, type SocketArgument, type SocketMap } from './asyncore';
import { isBlockingIOError, isOSError } from './channel-socket';
import { encodeText } from './codec';
import { deque } from './deque';
import { observeErrorHandlerResult, observeHandlerResult } from './handler-result';

/**
 * Python's `asynchat` on Node: `async_chat`, `simple_producer`, `find_prefix_at_end`, with
 * CPython's call sequences. The terminator search runs on the streams framing core
 * (`FrameBuffer`): linear in the bytes received, where CPython copies the rest of its buffer for
 * every message.
 *
 * @example
 * import * as asynchat from '@asynchat/shim/asynchat';
 * class LineHandler extends asynchat.async_chat {
 *   constructor(sock: net.Socket) {
 *     super(sock);
 *     this.set_terminator(Buffer.from('\r\n'));
 *   }
 *   override collect_incoming_data(data: Buffer) { this._collect_incoming_data(data); }
 *   override found_terminator() { this.push(Buffer.concat([this._get_data(), Buffer.from('\r\n')])); }
 * }
 */

/**
 * What `set_terminator` takes: bytes, a byte count, or `null` (collect until close). `0`, `false`
 * and empty bytes also mean "no terminator". A string is encoded with `this.encoding`.
 */
export type Terminator = Uint8Array | string | number | boolean | null;

/** A producer: `more()` returns the next chunk, or something empty when exhausted. */
export interface Producer {
  more(): Uint8Array | string | null | undefined;
}

/** An item of `producer_fifo`: bytes, a producer, or `null` (the close marker of `close_when_done`). */
export type OutgoingItem = Uint8Array | string | Producer | null;

/** Python's NotImplementedError. */
class NotImplementedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotImplementedError';
  }
}

function isFalsy(value: unknown): boolean {
  if (value instanceof Uint8Array) return value.length === 0;
  if (value === null || value === undefined || value === 0 || value === false || value === '') return true;
  return ArrayBuffer.isView(value) && value.byteLength === 0;
}

function asBuffer(data: ArrayBufferView): Buffer {
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return `${typeof value} ${String(value)}`;
}

/** Bytes and strings can be sliced (`first[:obs]` in Python); anything else is a producer. */
function isSliceable(item: unknown): item is Uint8Array | string {
  return typeof item === 'string' || item instanceof Uint8Array;
}

function sliceOf(item: Uint8Array | string, start: number, end?: number): Uint8Array | string {
  return typeof item === 'string' ? item.slice(start, end) : item.subarray(start, end);
}

/**
 * Python's `asynchat.async_chat`: splits input at a terminator and calls
 * `collect_incoming_data` / `found_terminator`; queues output with `push` and producers.
 *
 * Class-level defaults live on the prototype, so a subclass may override them with a field
 * (`ac_in_buffer_size = 4096`) or on its prototype, as Python overrides class attributes.
 *
 * @example
 * class Echo extends async_chat {
 *   private parts: Buffer[] = [];
 *   constructor(sock: net.Socket) { super(sock); this.set_terminator(Buffer.from('\n')); }
 *   override collect_incoming_data(data: Buffer) { this.parts.push(data); }
 *   override found_terminator() { this.push(Buffer.concat([...this.parts.splice(0), Buffer.from('\n')])); }
 * }
 */
export class async_chat extends dispatcher {
  /** Argument of every `recv()` in `handle_read` (65536). Not a limit on buffered input. */
  declare ac_in_buffer_size: number;
  /** `push()` splits larger data into slices of this size; one `send()` takes at most this (65536). */
  declare ac_out_buffer_size: number;
  /** Truthy: string chunks coming out of producers are encoded with `encoding` before sending. */
  declare use_encoding: number | boolean;
  /** Python codec name used for string terminators and (with `use_encoding`) producer strings. */
  declare encoding: string;
  /** Used only by `_collect_incoming_data` / `_get_data`. */
  incoming: Buffer[];
  /** The output queue: bytes, producers, and the `null` close marker. */
  producer_fifo: deque<OutgoingItem>;
  /** Not set until `set_terminator()` (reading before that fails, as in Python). */
  terminator?: Terminator;
  readonly #input = new FrameBuffer();
  #separatorSource: unknown = undefined;
  #separators: Buffer[] = [];

  constructor(sock: SocketArgument | null = null, map: SocketMap | null = null) {
    super(sock, map);
    this.incoming = [];
    this.producer_fifo = new deque<OutgoingItem>();
  }

  /**
   * Unconsumed input: a held-back terminator prefix, or what an exception left. Reading returns a
   * copy; assigning replaces it.
   */
  get ac_in_buffer(): Buffer {
    const content = this.#input.takeAll();
    this.#input.append(content);
    return content;
  }

  set ac_in_buffer(value: Uint8Array) {
    if (!ArrayBuffer.isView(value)) throw new TypeError(`ac_in_buffer must be bytes, got ${describe(value)}`);
    this.#input.clear();
    this.#input.append(asBuffer(value));
  }

  collect_incoming_data(_data: Buffer): void {
    throw new NotImplementedError('must be implemented in subclass');
  }

  /** Appends `data` to `incoming`; pair with `_get_data()`. */
  _collect_incoming_data(data: Buffer): void {
    this.incoming.push(data);
  }

  /** Everything collected into `incoming` since the last call, joined (no copy for one piece). */
  _get_data(): Buffer {
    const pieces = this.incoming;
    // pop() keeps the list (Python clears it in place) and is cheaper than `length = 0`.
    if (pieces.length === 1) return pieces.pop() as Buffer;
    const data = Buffer.concat(pieces);
    pieces.length = 0;
    return data;
  }

  found_terminator(): void {
    throw new NotImplementedError('must be implemented in subclass');
  }

  /**
   * Sets the input delimiter: bytes, a byte count (a negative count throws `RangeError`), or
   * `null`. A string is encoded with `this.encoding` now (an extension: Python needs `use_encoding`).
   *
   * @example
   * this.set_terminator(Buffer.from('\r\n'));
   * this.set_terminator(512);   // the next 512 bytes
   * this.set_terminator(null);  // everything until close
   */
  set_terminator(term: Terminator): void {
    if (typeof term === 'string') {
      term = encodeText(term, this.encoding);
    } else if (typeof term === 'number' && Number.isInteger(term) && term < 0) {
      throw Object.assign(new RangeError('the number of received bytes must be positive'), { terminator: term });
    }
    this.terminator = term;
  }

  get_terminator(): Terminator {
    if (this.terminator === undefined) {
      const error = new Error(`'${this.constructor.name}' object has no attribute 'terminator' (call set_terminator() first)`);
      error.name = 'AttributeError';
      throw error;
    }
    return this.terminator;
  }

  /**
   * Reads one chunk (`this.recv(this.ac_in_buffer_size)`) and hands it to
   * `collect_incoming_data` / `found_terminator`, exactly as CPython's `handle_read` does.
   */
  override handle_read(): void {
    let data: Buffer;
    try {
      data = this.recv(this.ac_in_buffer_size);
    } catch (error) {
      if (isBlockingIOError(error)) return;
      if (isOSError(error)) {
        observeErrorHandlerResult(this, this.handle_error(error));
        return;
      }
      throw error;
    }
    if (!ArrayBuffer.isView(data)) throw new TypeError(`recv() must return bytes, got ${describe(data)}`);
    const input = this.#input;
    input.append(data);
    while (input.length > 0) {
      const lb = input.length;
      const terminator = this.get_terminator();
      if (isFalsy(terminator)) {
        this.#collect(input, lb);
      } else if (typeof terminator === 'number' && Number.isInteger(terminator)) {
        this.#countDown(input, terminator, lb);
      } else if (typeof terminator === 'boolean') {
        this.#countDown(input, 1, lb);
      } else {
        const separators = terminator === this.#separatorSource ? this.#separators : this.#separatorsFor(terminator);
        // The message before the terminator, terminator removed (one indexOf + one view when both
        // lie in the first chunk; the general search otherwise).
        let message = input.takeFrameInFirstChunk(separators, true, Infinity);
        if (message === null) {
          const end = input.findEnd(separators);
          if (end !== -1) message = input.takeFrame(input.matchStart, end);
        }
        if (message !== null) {
          if (message.length > 0) this.#collectMessage(input, message, separators[0]);
          observeHandlerResult(this, this.found_terminator());
        } else {
          const index = input.prefixAtEnd(separators[0]);
          if (index) {
            if (index !== lb) this.#collect(input, lb - index);
            break;
          }
          this.#collect(input, lb);
        }
      }
    }
  }

  /** Hands the first `n` buffered bytes to `collect_incoming_data`; on an exception they stay buffered. */
  #collect(input: FrameBuffer, n: number): void {
    const data = input.take(n);
    try {
      observeHandlerResult(this, this.collect_incoming_data(data));
    } catch (error) {
      const rest = input.takeAll();
      input.append(data);
      input.append(rest);
      throw error;
    }
  }

  /** Hands a message (already taken with its terminator) to collect; on an exception both go back. */
  #collectMessage(input: FrameBuffer, message: Buffer, terminator: Buffer): void {
    try {
      observeHandlerResult(this, this.collect_incoming_data(message));
    } catch (error) {
      const rest = input.takeAll();
      input.append(message);
      input.append(terminator);
      input.append(rest);
      throw error;
    }
  }

  #countDown(input: FrameBuffer, n: number, lb: number): void {
    if (lb < n) {
      this.#collect(input, lb);
      if (typeof this.terminator !== 'number' && typeof this.terminator !== 'boolean') {
        throw new TypeError(`unsupported operand for terminator - ${lb}: ${describe(this.terminator)}`);
      }
      this.terminator = Number(this.terminator) - lb;
      return;
    }
    // Python slicing: a negative count (assigned directly, bypassing set_terminator) keeps the tail.
    this.#collect(input, n >= 0 ? n : Math.max(0, lb + n));
    this.terminator = 0;
    observeHandlerResult(this, this.found_terminator());
  }

  #separatorsFor(terminator: Terminator): Buffer[] {
    let bytes: Uint8Array;
    if (typeof terminator === 'string') bytes = encodeText(terminator, this.encoding);
    else if (ArrayBuffer.isView(terminator)) bytes = asBuffer(terminator);
    else throw Object.assign(new TypeError(`terminator must be bytes, an integer or null, got ${describe(terminator)}`), { terminator });
    this.#separators = toSeparatorBytes(bytes);
    this.#separatorSource = terminator;
    return this.#separators;
  }

  override handle_write(): void {
    this.initiate_send();
  }

  override handle_close(): void {
    this.close();
  }

  /**
   * Queues bytes (any `Uint8Array`; a string throws `TypeError`, as in Python 3) and tries to send.
   *
   * @example
   * this.push(Buffer.from('250 OK\r\n'));
   */
  push(data: Uint8Array): void {
    if (!ArrayBuffer.isView(data)) {
      throw Object.assign(new TypeError(`data argument must be byte-ish (${describe(data)})`), { data });
    }
    const bytes: Uint8Array = data instanceof Uint8Array ? data : asBuffer(data);
    const sabs = this.ac_out_buffer_size;
    if (bytes.length > sabs) {
      for (let i = 0; i < bytes.length; i += sabs) this.producer_fifo.append(bytes.subarray(i, i + sabs));
    } else {
      this.producer_fifo.append(bytes);
    }
    this.initiate_send();
  }

  /**
   * Queues a producer (anything with `more()`; bytes are accepted too) and tries to send.
   *
   * @example
   * this.push_with_producer(new simple_producer(Buffer.from(page), 4096));
   */
  push_with_producer(producer: Producer | Uint8Array): void {
    this.producer_fifo.append(producer);
    this.initiate_send();
  }

  override readable(): boolean | number {
    return true;
  }

  /** True while output is queued, or while not connected (a pending connect shows as writable). */
  override writable(): boolean | number {
    return this.producer_fifo.length > 0 || !this.connected;
  }

  /** Closes the channel once everything queued before this call has been sent. */
  close_when_done(): void {
    this.producer_fifo.append(null);
  }

  /** One send attempt from the head of `producer_fifo` (CPython's exact loop). */
  initiate_send(): void {
    const fifo = this.producer_fifo;
    while (fifo.length > 0 && this.connected) {
      const first = fifo.at(0);
      if (isFalsy(first)) {
        fifo.popleft();
        if (first === null || first === undefined) {
          observeHandlerResult(this, this.handle_close());
          return;
        }
      }
      const obs = this.ac_out_buffer_size;
      let data: Uint8Array | string;
      if (isSliceable(first)) {
        // first[:obs]; the whole item needs no slice (send() copies the bytes anyway).
        data = first.length <= obs ? first : sliceOf(first, 0, obs);
      } else {
        const producer = first as Producer;
        if (typeof producer?.more !== 'function') {
          throw Object.assign(new TypeError(`producer_fifo item is neither bytes nor a producer with more(): ${describe(first)}`), {
            item: first,
          });
        }
        const chunk = producer.more();
        if (!isFalsy(chunk)) fifo.appendleft(chunk as Uint8Array | string);
        else fifo.popleft();
        continue;
      }
      if (typeof data === 'string' && this.use_encoding) data = encodeText(data, this.encoding);
      let num_sent: number;
      try {
        num_sent = this.send(data as Uint8Array);
      } catch (error) {
        if (isOSError(error)) {
          observeErrorHandlerResult(this, this.handle_error(error));
          return;
        }
        throw error;
      }
      if (num_sent) {
        if (num_sent < data.length || obs < first.length) fifo.set(0, sliceOf(first, num_sent));
        else fifo.popleft();
      }
      return;
    }
  }

  /** Drops unconsumed input, `incoming` and the whole output queue (including a close marker). */
  discard_buffers(): void {
    this.#input.clear();
    this.incoming.length = 0;
    this.producer_fifo.clear();
  }
}

async_chat.prototype.ac_in_buffer_size = 65536;
async_chat.prototype.ac_out_buffer_size = 65536;
async_chat.prototype.use_encoding = 0;
async_chat.prototype.encoding = 'latin-1';

/**
 * Python's `asynchat.simple_producer`: hands out `data` in pieces of `buffer_size`.
 *
 * @example
 * const producer = new simple_producer(Buffer.from('abcdefghij'), 4);
 * producer.more(); // 'abcd', then 'efgh', 'ij', then empty
 */
export class simple_producer implements Producer {
  data: Uint8Array | string;
  buffer_size: number;

  constructor(data: Uint8Array | string, buffer_size = 512) {
    this.data = data;
    this.buffer_size = buffer_size;
  }

  more(): Uint8Array | string {
    if (this.data.length > this.buffer_size) {
      const result = sliceOf(this.data, 0, this.buffer_size);
      this.data = sliceOf(this.data, this.buffer_size);
      return result;
    }
    const result = this.data;
    this.data = typeof result === 'string' ? '' : Buffer.alloc(0);
    return result;
  }
}

/**
 * The length of the longest proper prefix of `needle` that `haystack` ends with (0 if none; -1
 * for an empty needle, as CPython). Works on strings and on bytes.
 *
 * @example
 * find_prefix_at_end('qwerty\r', '\r\n');                     // 1
 * find_prefix_at_end(Buffer.from('ab\r\n.'), Buffer.from('\r\n.\r\n')); // 3
 */
export function find_prefix_at_end(haystack: string | Uint8Array, needle: string | Uint8Array): number {
  if (typeof haystack === 'string' && typeof needle === 'string') {
    let l = needle.length - 1;
    while (l && !haystack.endsWith(needle.slice(0, l))) l -= 1;
    return l;
  }
  if (!ArrayBuffer.isView(haystack) || !ArrayBuffer.isView(needle)) {
    throw Object.assign(new TypeError('find_prefix_at_end() needs two strings or two byte arrays'), { haystack, needle });
  }
  if (needle.length === 0) return -1;
  const buffer = new FrameBuffer();
  buffer.append(haystack);
  return buffer.prefixAtEnd(asBuffer(needle));
}
