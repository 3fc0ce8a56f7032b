import { ConcurrentReadError, DEFAULT_LIMIT, IncompleteReadError, LimitOverrunError } from './errors';
import { BatchIterator, ChunkIterator, FrameIterator } from './frame-iterators';
import { FrameBuffer, toSeparatorBytes, type Separator } from './framing';

/**
 * What an unterminated tail at EOF becomes in `frames()`, `batches()` and `readFrame()`:
 * - `'throw'` (the default, as asyncio's `readuntil`): an `IncompleteReadError` carrying the tail;
 * - `'drop'`: the tail is discarded and the read ends as at a clean EOF (asynchat's behaviour);
 * - `'yield'`: the tail is returned as a last frame.
 */
export type PartialFrame = 'throw' | 'drop' | 'yield';

/** Options of `frames()` and `batches()`. */
export interface FrameOptions {
  /** Remove the separator from each frame (default `true`). */
  strip?: boolean;
  /** What an unterminated tail at EOF becomes (default `'throw'`). */
  partial?: PartialFrame;
}

/** Options of `readFrame()`. */
export interface ReadFrameOptions {
  /** What an unterminated tail at EOF becomes (default `'throw'`). */
  partial?: PartialFrame;
}

/** One part of a frame from `readFramePart`: the bytes, and whether they end the frame. */
export interface FramePart {
  data: Buffer;
  /** The terminator was reached: the frame is complete. */
  end: boolean;
}

/** No terminator: chunks go out at most this long (asynchat's `ac_in_buffer_size`). */
const PART_CHUNK = 65536;

/** Options of a `StreamReader`. */
export interface StreamReaderOptions {
  /**
   * The longest frame a separator read accepts, in bytes, separator excluded (default 65536). The
   * reader also pauses its transport above twice this many buffered bytes.
   */
  limit?: number;
}

/** What the reader pauses and resumes for flow control: a `net.Socket`, or anything alike. */
export interface ReadTransport {
  pause(): unknown;
  resume(): unknown;
}

/** A terminator for `readFrame`: a separator, a byte count, or `null` for "until EOF". */
export type Terminator = Separator | number | null;

const EMPTY = Buffer.alloc(0);
const NEWLINE = toSeparatorBytes('\n');
const PARTIAL_MODES: readonly PartialFrame[] = ['throw', 'drop', 'yield'];

function checkPartial(partial: unknown): PartialFrame {
  if (partial === undefined) return 'throw';
  if (!PARTIAL_MODES.includes(partial as PartialFrame)) {
    throw new TypeError(`partial must be 'throw', 'drop' or 'yield', got ${JSON.stringify(partial)}`);
  }
  return partial as PartialFrame;
}

function checkLimit(limit: unknown): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (typeof limit !== 'number' || !(limit > 0) || !(Number.isInteger(limit) || limit === Infinity)) {
    throw new RangeError(`limit must be a positive integer, got ${String(limit)}`);
  }
  return limit;
}

function checkCount(n: unknown, method: string): number {
  if (typeof n !== 'number' || !Number.isInteger(n)) {
    throw new TypeError(`${method}(): the byte count must be an integer, got ${String(n)}`);
  }
  return n;
}

/**
 * An asyncio-style stream reader over a byte stream: asyncio's `StreamReader`, in camelCase, plus
 * `frames()`, `batches()`, `chunks()`, `readFrame()` and `tryReadUntil()`.
 *
 * One read waits at a time (a second waiting read rejects with `ConcurrentReadError`). Frames
 * inside one received chunk are views of it, not copies: use `Buffer.from(frame)` to keep a small
 * frame for long without pinning its chunk.
 *
 * @example
 * import { openConnection } from '@asynchat/streams';
 * const { reader, writer } = await openConnection({ host: '127.0.0.1', port: 8025 });
 * const greeting = await reader.readUntil('\r\n');    // includes '\r\n'
 * for await (const line of reader.frames('\r\n', { partial: 'drop' })) console.log(line.toString());
 */
export class StreamReader implements AsyncIterable<Buffer> {
  /** The longest frame a separator read accepts (asyncio's `limit`), separator excluded. */
  readonly limit: number;
  private readonly buffer = new FrameBuffer();
  private eof = false;
  private error: Error | null = null;
  private transport: ReadTransport | null = null;
  private paused = false;
  private wake: (() => void) | null = null;
  private waitingMethod = '';
  private cachedSeparatorText: string | null = null;
  private cachedSeparators: readonly Buffer[] = NEWLINE;

  /**
   * @example
   * const reader = new StreamReader({ limit: 1024 });
   * reader.feedData(Buffer.from('hello\n'));
   * reader.feedEof();
   * await reader.readLine(); // <Buffer 'hello\n'>
   */
  constructor(options: StreamReaderOptions = {}) {
    this.limit = checkLimit(options.limit);
  }

  /** Bytes buffered and not yet read. */
  get buffered(): number {
    return this.buffer.length;
  }

  // ---------------------------------------------------------------- producer side

  /**
   * Sets what the reader pauses above `2 * limit` buffered bytes and resumes at `limit` or below
   * (asyncio `set_transport`). `fromSocket` does this for a socket.
   *
   * @example
   * reader.setTransport(socket);
   */
  setTransport(transport: ReadTransport): void {
    if (this.transport !== null) throw new Error('setTransport(): the transport is already set');
    this.transport = transport;
  }

  /**
   * Appends received bytes (asyncio `feed_data`). The reader keeps a reference: do not change the
   * chunk afterwards.
   *
   * @example
   * socket.on('data', (chunk) => reader.feedData(chunk));
   */
  feedData(chunk: Uint8Array): void {
    if (!(chunk instanceof Uint8Array)) {
      throw new TypeError(`feedData() takes a Uint8Array, got ${chunk === null ? 'null' : typeof chunk}`);
    }
    if (this.eof) throw new Error('feedData() called after feedEof()');
    if (chunk.length === 0) return;
    this.buffer.append(chunk);
    this.wakeWaiter();
    if (!this.paused && this.transport !== null && this.buffer.length > 2 * this.limit) {
      this.paused = true;
      this.transport.pause();
    }
  }

  /**
   * Marks the end of the stream (asyncio `feed_eof`): buffered bytes can still be read.
   *
   * @example
   * socket.on('end', () => reader.feedEof());
   */
  feedEof(): void {
    this.eof = true;
    this.wakeWaiter();
  }

  /**
   * Makes every later read (and a waiting one) fail with `error` (asyncio `set_exception`).
   *
   * @example
   * socket.on('error', (error) => reader.setException(error));
   */
  setException(error: Error): void {
    this.error = error;
    this.wakeWaiter();
  }

  /**
   * The error set by `setException`, or `null` (asyncio `exception()`).
   *
   * @example
   * if (reader.exception() !== null) return;
   */
  exception(): Error | null {
    return this.error;
  }

  /**
   * Whether the stream has ended and everything was read (asyncio `at_eof()`).
   *
   * @example
   * while (!reader.atEof()) await reader.read(4096);
   */
  atEof(): boolean {
    return this.eof && this.buffer.length === 0;
  }

  // ---------------------------------------------------------------- asyncio reads

  /**
   * Reads up to and including the first separator (asyncio `readuntil`). With several
   * separators, the match that ends first wins (asyncio 3.13).
   *
   * Throws `LimitOverrunError` when no separator is within `limit` bytes (the data stays buffered,
   * `consumed` says how far it got), and `IncompleteReadError` with the whole remaining buffer as
   * `partial` when the stream ends first.
   *
   * @example
   * const line = await reader.readUntil('\r\n');         // <Buffer 'HELO x\r\n'>
   * const either = await reader.readUntil(['\r\n', '\n']);
   */
  readUntil(separator: Separator = '\n'): Promise<Buffer> {
    try {
      const separators = this.separatorsFor(separator);
      // The common case, a frame already buffered, skips the async function machinery.
      const frame = this.pollFrame(separators, false);
      if (frame !== null) return Promise.resolve(frame);
      return this.readUntilBytes(separators, 'readUntil');
    } catch (error) {
      return Promise.reject(error);
    }
  }

  private async readUntilBytes(separators: readonly Buffer[], method: string): Promise<Buffer> {
    for (;;) {
      const frame = this.pollFrame(separators, false);
      if (frame !== null) return frame;
      if (this.eof) throw new IncompleteReadError(this.takeRest(), null);
      await this.waitForData(method);
    }
  }

  /**
   * Reads one line, `\n` included (asyncio `readline`). At EOF it returns the partial last line
   * without `\n`, then an empty buffer.
   *
   * Past `limit` it drops the overlong line (through its `\n` when that is buffered, otherwise
   * everything buffered) and throws `LimitOverrunError`: asyncio raises `ValueError` here; one
   * error type keeps catch sites simple.
   *
   * @example
   * for (let line = await reader.readLine(); line.length > 0; line = await reader.readLine()) {
   *   console.log(line.toString('latin1'));
   * }
   */
  async readLine(): Promise<Buffer> {
    try {
      return await this.readUntilBytes(NEWLINE, 'readLine');
    } catch (error) {
      if (error instanceof IncompleteReadError) return error.partial;
      if (error instanceof LimitOverrunError) {
        if (this.buffer.hasAt(NEWLINE[0], error.consumed)) this.buffer.discard(error.consumed + 1);
        else this.buffer.clear();
        this.maybeResume();
      }
      throw error;
    }
  }

  /**
   * Reads exactly `n` bytes (asyncio `readexactly`), however large `n` is compared with `limit`.
   * Throws `IncompleteReadError` (with the bytes read and `expected = n`) if the stream ends first.
   *
   * @example
   * const length = (await reader.readExactly(4)).readUInt32BE(0);
   * const body = await reader.readExactly(length);
   */
  async readExactly(n: number): Promise<Buffer> {
    checkCount(n, 'readExactly');
    if (n < 0) throw new RangeError(`readExactly(): the byte count can not be less than zero, got ${n}`);
    if (this.error !== null) throw this.error;
    if (n === 0) return EMPTY;
    while (this.buffer.length < n) {
      if (this.eof) throw new IncompleteReadError(this.takeRest(), n);
      await this.waitForData('readExactly');
    }
    return this.take(n);
  }

  /**
   * Reads up to `n` bytes (asyncio `read`): `n > 0` waits for at least one byte and returns at most
   * `n`; `n = 0` returns an empty buffer; `n < 0` (the default) reads until EOF. An empty buffer
   * means EOF. Not bounded by `limit`.
   *
   * @example
   * const everything = await reader.read();
   * const some = await reader.read(4096);
   */
  async read(n = -1): Promise<Buffer> {
    checkCount(n, 'read');
    if (this.error !== null) throw this.error;
    if (n === 0) return EMPTY;
    if (n < 0) {
      while (!this.eof) await this.waitForData('read');
      return this.takeRest();
    }
    if (this.buffer.length === 0 && !this.eof) await this.waitForData('read');
    return this.take(Math.min(n, this.buffer.length));
  }

  /**
   * Lines with their `\n`, until EOF (asyncio's `async for line in reader`). New code should
   * prefer `frames()`, which is faster and strips the separator.
   *
   * @example
   * for await (const line of reader) console.log(line.toString());
   */
  [Symbol.asyncIterator](): AsyncIterableIterator<Buffer> {
    const lines: AsyncIterableIterator<Buffer> = {
      next: async (): Promise<IteratorResult<Buffer>> => {
        const line = await this.readLine();
        return line.length === 0 ? { done: true, value: undefined } : { done: false, value: line };
      },
      [Symbol.asyncIterator]: () => lines,
    };
    return lines;
  }

  // ---------------------------------------------------------------- additions

  /**
   * Reads one frame of asynchat's terminator kinds: a separator gives the frame without the
   * separator (bounded by `limit`), a number `n` exactly `n` bytes (`0` gives an empty frame), and
   * `null` everything up to EOF. Resolves `null` at a clean EOF (nothing buffered); an unterminated
   * tail follows `partial` (`IncompleteReadError` by default).
   *
   * @example
   * const header = await reader.readFrame('\r\n');      // 'Content-Length: 5'
   * const body = await reader.readFrame(5);
   * const rest = await reader.readFrame(null);          // until the peer closes
   */
  async readFrame(terminator: Terminator, options: ReadFrameOptions = {}): Promise<Buffer | null> {
    const partial = checkPartial(options.partial);
    if (typeof terminator === 'number') return this.readCount(terminator, partial);
    if (terminator === null) {
      if (this.error !== null) throw this.error;
      while (!this.eof) await this.waitForData('readFrame');
      return this.buffer.length === 0 ? null : this.takeRest();
    }
    const separators = this.separatorsFor(terminator);
    for (;;) {
      const frame = this.pollFrame(separators, true);
      if (frame !== null) return frame;
      if (this.eof) return this.finishAtEof(partial, null);
      await this.waitForData('readFrame');
    }
  }

  /**
   * Reads the next part of a frame as asynchat delivered it to `collect_incoming_data`: what is
   * buffered up to the terminator, as soon as it arrives. `end` is true when the part ends at the
   * terminator (asynchat's `found_terminator`). A separator is removed, and bytes that may be its
   * start split across reads are held back; a count `n` gives at most `n` bytes (the caller counts
   * down); no terminator (`null`, `0`, empty bytes) gives each chunk as it came, `end` never true.
   * Not bounded by `limit`: the caller consumes the parts. Resolves `null` at EOF (a held-back
   * prefix is dropped, as asynchat dropped it).
   *
   * @example
   * let terminator: Terminator = '\r\n';
   * for (let part = await reader.readFramePart(terminator); part !== null; part = await reader.readFramePart(terminator)) {
   *   collected.push(part.data);
   *   if (part.end) handle(Buffer.concat(collected.splice(0)));
   * }
   */
  async readFramePart(terminator: Terminator): Promise<FramePart | null> {
    if (this.error !== null) throw this.error;
    // Empty bytes, like null and 0, mean "no terminator" to asynchat.
    const empty = (typeof terminator === 'string' || terminator instanceof Uint8Array) && terminator.length === 0;
    const separators = typeof terminator === 'number' || terminator === null || empty ? null : this.separatorsFor(terminator);
    const counted = typeof terminator === 'number' && terminator > 0 ? terminator : null;
    const none = counted === null && separators === null;
    for (;;) {
      const buffered = this.buffer.length;
      if (buffered > 0) {
        if (none) return { data: this.take(Math.min(buffered, PART_CHUNK)), end: false };
        if (counted !== null) return buffered >= counted ? { data: this.take(counted), end: true } : { data: this.takeRest(), end: false };
        const frame = this.takeWholeFrame(separators!);
        if (frame !== null) return { data: frame, end: true };
        let held = 0;
        for (const separator of separators!) held = Math.max(held, this.buffer.prefixAtEnd(separator));
        if (buffered > held) return { data: this.take(buffered - held), end: false };
      }
      if (this.eof) return null;
      await this.waitForData('readFramePart');
    }
  }

  /** A whole frame at the front of the buffer, separator removed, however long; null when none. */
  private takeWholeFrame(separators: readonly Buffer[]): Buffer | null {
    const buffer = this.buffer;
    const fast = buffer.takeFrameInFirstChunk(separators, true, Infinity);
    if (fast !== null) {
      if (this.paused) this.maybeResume();
      return fast;
    }
    const end = buffer.findEnd(separators);
    if (end === -1) return null;
    const frame = buffer.takeFrame(buffer.matchStart, end);
    if (this.paused) this.maybeResume();
    return frame;
  }

  /**
   * Framed messages until EOF, as a hand-written async iterator (no async generator: this is the
   * hot loop). When a frame is already buffered, `next()` resolves at once. Leaving the loop early
   * does not close anything: the reader can be read on. Each frame is bounded by `limit`.
   *
   * @example
   * for await (const message of reader.frames('\r\n', { partial: 'drop' })) {
   *   writer.write(message);
   * }
   */
  frames(separator: Separator = '\n', options: FrameOptions = {}): AsyncIterableIterator<Buffer> {
    return new FrameIterator(
      this,
      this.separatorsFor(separator),
      options.strip ?? true,
      checkPartial(options.partial),
    );
  }

  /**
   * Like `frames()`, but each step yields every frame already buffered (at least one) as an array:
   * one `await` per received chunk instead of per frame.
   *
   * @example
   * for await (const batch of reader.batches('\n')) {
   *   for (const message of batch) handle(message);
   * }
   */
  batches(separator: Separator = '\n', options: FrameOptions = {}): AsyncIterableIterator<Buffer[]> {
    return new BatchIterator(
      this,
      this.separatorsFor(separator),
      options.strip ?? true,
      checkPartial(options.partial),
    );
  }

  /**
   * The bytes already buffered, then each chunk as it arrives, until EOF: the reader-aware
   * replacement for `for await (const chunk of socket)`, so framing can switch from lines to raw
   * bytes mid-stream without losing what was buffered.
   *
   * @example
   * const header = await reader.readUntil('\r\n\r\n');
   * for await (const chunk of reader.chunks()) file.write(chunk);
   */
  chunks(): AsyncIterableIterator<Buffer> {
    return new ChunkIterator(this);
  }

  /**
   * `readUntil` without waiting: the frame (separator included) when one is buffered, else `null`
   * (also at EOF: check `atEof()`). Throws `LimitOverrunError` as `readUntil` does.
   *
   * @example
   * reader.feedData(chunk);
   * for (let line = reader.tryReadUntil('\n'); line !== null; line = reader.tryReadUntil('\n')) handle(line);
   */
  tryReadUntil(separator: Separator = '\n'): Buffer | null {
    return this.pollFrame(this.separatorsFor(separator), false);
  }

  // ---------------------------------------------------------------- internals for the iterators

  /**
   * The next frame if one is buffered, else `null`; throws the stored exception or a
   * `LimitOverrunError` (asyncio's two overrun cases, data left buffered).
   * @internal
   */
  pollFrame(separators: readonly Buffer[], strip: boolean): Buffer | null {
    if (this.error !== null) throw this.error;
    const buffer = this.buffer;
    const fast = buffer.takeFrameInFirstChunk(separators, strip, this.limit);
    if (fast !== null) {
      if (this.paused) this.maybeResume();
      return fast;
    }
    const end = buffer.findEnd(separators);
    if (end === -1) {
      let longest = 0;
      for (const separator of separators) longest = Math.max(longest, separator.length);
      const scanned = buffer.length + 1 - longest;
      if (scanned > this.limit) {
        throw new LimitOverrunError('Separator is not found, and chunk exceed the limit', scanned);
      }
      return null;
    }
    if (buffer.matchShortestStart > this.limit) {
      throw new LimitOverrunError('Separator is found, but chunk is longer than limit', buffer.matchShortestStart);
    }
    const frame = buffer.takeFrame(strip ? buffer.matchStart : end, end);
    if (this.paused) this.maybeResume();
    return frame;
  }

  /**
   * Appends every buffered frame to `frames` (possibly none), the fast way where it can; throws as
   * `pollFrame` does only when no frame was taken.
   * @internal
   */
  pollFrames(separators: readonly Buffer[], strip: boolean, frames: Buffer[]): void {
    if (this.error !== null) throw this.error;
    const buffer = this.buffer;
    const limit = this.limit;
    const before = frames.length;
    for (;;) {
      buffer.takeFramesInFirstChunk(separators, strip, limit, frames);
      let frame: Buffer | null;
      try {
        frame = this.pollFrame(separators, strip);
      } catch (error) {
        // The frames taken come first; the error (which left the data as it was) comes next time.
        if (frames.length > before) break;
        throw error;
      }
      if (frame === null) break;
      frames.push(frame);
    }
    if (this.paused) this.maybeResume();
  }

  /**
   * The rest of the first buffered chunk, or `null` when nothing is buffered.
   * @internal
   */
  pollChunk(): Buffer | null {
    if (this.error !== null) throw this.error;
    if (this.buffer.length === 0) return null;
    const chunk = this.buffer.takeChunk();
    this.maybeResume();
    return chunk;
  }

  /**
   * At EOF: `null` when nothing is left, else the tail as `partial` says.
   * @internal
   */
  finishAtEof(partial: PartialFrame, expected: number | null): Buffer | null {
    if (this.buffer.length === 0) return null;
    const tail = this.takeRest();
    if (partial === 'throw') throw new IncompleteReadError(tail, expected);
    return partial === 'drop' ? null : tail;
  }

  /** @internal */
  get eofReceived(): boolean {
    return this.eof;
  }

  /**
   * Registers the single waiter, called (synchronously) by the next `feedData`, `feedEof` or
   * `setException`. Throws `ConcurrentReadError` if another read is waiting.
   * @internal
   */
  waitThen(method: string, wake: () => void): void {
    if (this.wake !== null) throw new ConcurrentReadError(method, this.waitingMethod);
    this.wake = wake;
    this.waitingMethod = method;
    // Waiting while paused would deadlock a read that needs more than 2 * limit bytes (asyncio
    // resumes here too: readExactly(n > limit)).
    if (this.paused) {
      this.paused = false;
      this.transport?.resume();
    }
  }

  /** @internal */
  cancelWait(wake: () => void): void {
    if (this.wake === wake) this.wake = null;
  }

  // ---------------------------------------------------------------- private

  private waitForData(method: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.waitThen(method, () => {
        if (this.error !== null) reject(this.error);
        else resolve();
      });
    });
  }

  private wakeWaiter(): void {
    const wake = this.wake;
    if (wake !== null) {
      this.wake = null;
      wake();
    }
  }

  private async readCount(n: number, partial: PartialFrame): Promise<Buffer | null> {
    checkCount(n, 'readFrame');
    if (n < 0) throw new RangeError(`readFrame(): the byte count can not be less than zero, got ${n}`);
    if (this.error !== null) throw this.error;
    if (n === 0) return EMPTY;
    while (this.buffer.length < n) {
      if (this.eof) return this.finishAtEof(partial, n);
      await this.waitForData('readFrame');
    }
    return this.take(n);
  }

  private take(n: number): Buffer {
    const bytes = this.buffer.take(n);
    this.maybeResume();
    return bytes;
  }

  private takeRest(): Buffer {
    return this.take(this.buffer.length);
  }

  private maybeResume(): void {
    if (this.paused && this.buffer.length <= this.limit) {
      this.paused = false;
      this.transport?.resume();
    }
  }

  /** Converted separators, cached for the last string so a read loop does not convert per frame. */
  private separatorsFor(separator: Separator): readonly Buffer[] {
    if (typeof separator === 'string') {
      if (separator === this.cachedSeparatorText) return this.cachedSeparators;
      const separators = toSeparatorBytes(separator);
      this.cachedSeparatorText = separator;
      this.cachedSeparators = separators;
      return separators;
    }
    return toSeparatorBytes(separator);
  }
}
