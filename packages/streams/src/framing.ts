/**
 * The framing core shared by the stream reader and the asynchat shim: separator validation and a
 * chunk list that finds separators without copying or rescanning.
 *
 * Why a chunk list: concatenating each arrival onto the pending bytes, or rescanning them from the
 * front after every arrival, is quadratic for a frame that arrives in many chunks (16 MiB in 16 KiB
 * pieces takes seconds instead of milliseconds). Here each chunk is kept by reference, a frame
 * inside one chunk is returned as a view, a frame spanning chunks costs exactly one copy, and the
 * scan position survives between calls.
 */

/**
 * A separator: an ASCII string, bytes, or an array of them (asyncio 3.13's tuple of separators:
 * the match that ends first wins).
 *
 * @example
 * const separators: Separator = ['\r\n', '\n'];
 */
export type Separator = string | Uint8Array | readonly (string | Uint8Array)[];

/** The index of the first non-ASCII character of `text`, or -1. */
function firstNonAscii(text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) > 0x7f) return i;
  }
  return -1;
}

function toOneSeparator(separator: unknown, where: string): Buffer {
  if (typeof separator === 'string') {
    const nonAscii = firstNonAscii(separator);
    if (nonAscii !== -1) {
      throw new TypeError(
        `${where} must be ASCII when given as a string, got ${JSON.stringify(separator)} ` +
          `(character ${JSON.stringify(separator[nonAscii])} at index ${nonAscii}); pass a Uint8Array for other bytes`,
      );
    }
    if (separator.length === 0) throw new RangeError(`${where} must not be empty`);
    return Buffer.from(separator, 'latin1');
  }
  if (separator instanceof Uint8Array) {
    if (separator.length === 0) throw new RangeError(`${where} must not be empty`);
    // A copy: the caller may reuse its array, and separators are short.
    return Buffer.from(separator);
  }
  throw new TypeError(
    `${where} must be an ASCII string, a Uint8Array or an array of them, got ${describe(separator)}`,
  );
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object (${Object.prototype.toString.call(value)})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Validates a separator and converts it to a list of non-empty byte buffers.
 *
 * A string must be ASCII (else `TypeError`: the encoding would be ambiguous); an empty separator,
 * or an empty array, throws a `RangeError` (asyncio raises `ValueError`). Only real arrays are
 * taken as lists of separators (not other iterables: asyncio gh-117722, where a bytearray was
 * misread as a list of separators).
 *
 * @example
 * toSeparatorBytes('\r\n');          // [<Buffer 0d 0a>]
 * toSeparatorBytes(['\r\n', '\n']);  // [<Buffer 0d 0a>, <Buffer 0a>]
 */
export function toSeparatorBytes(separator: Separator): Buffer[] {
  if (Array.isArray(separator)) {
    if (separator.length === 0) throw new RangeError('separator list must not be empty');
    return separator.map((one: unknown, index: number) => toOneSeparator(one, `separator[${index}]`));
  }
  return [toOneSeparator(separator, 'separator')];
}

/** Where a separator match sits, as offsets from the front of the buffer (`end` is exclusive). */
export interface FrameMatch {
  /** Where the separator starts; when several separators end at `end`, where the longest starts. */
  start: number;
  /** Where the separator ends. */
  end: number;
  /**
   * Where the shortest separator ending at `end` starts (the same as `start` unless several
   * separators end there): asyncio 3.13 counts its `limit` up to this one.
   */
  shortestStart: number;
}

/** After this many consumed chunks the list is compacted, so consuming never shifts per chunk. */
const COMPACT_AFTER = 64;

const EMPTY = Buffer.alloc(0);

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function sameSeparators(a: readonly Buffer[], b: readonly Buffer[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i] && !a[i].equals(b[i])) return false;
  }
  return true;
}

/**
 * A list of received chunks with a remembered scan position: finding separators is linear in the
 * bytes received whatever the chunking, and bytes inside one chunk are never copied.
 *
 * Buffers returned by `take` may be views of the appended chunks: they alias them (see
 * `Buffer.subarray`). Copy with `Buffer.from(frame)` to keep a small frame for long without
 * pinning its whole chunk.
 *
 * @example
 * const buffer = new FrameBuffer();
 * const separators = toSeparatorBytes('\r\n');
 * buffer.append(Buffer.from('HELO x\r'));
 * buffer.find(separators);             // null (the scan position is remembered)
 * buffer.append(Buffer.from('\nQUIT\r\n'));
 * const match = buffer.find(separators)!; // { start: 6, end: 8, shortestStart: 6 }
 * buffer.take(match.start);            // <Buffer 'HELO x'>
 * buffer.discard(match.end - match.start);
 */
export class FrameBuffer {
  private chunks: Buffer[] = [];
  /** Index of the first live chunk in `chunks`. */
  private head = 0;
  /** Bytes of `chunks[head]` already consumed. */
  private headOffset = 0;
  private size = 0;
  /** The separators the scan position belongs to. */
  private scanSeparators: readonly Buffer[] | null = null;
  /** No match of `scanSeparators` lies entirely within the first `scanned` bytes. */
  private scanned = 0;
  private lastMatchStart = 0;
  private lastMatchShortestStart = 0;

  /** Bytes buffered. */
  get length(): number {
    return this.size;
  }

  /** `start` of the match `findEnd` last returned (see `FrameMatch`). */
  get matchStart(): number {
    return this.lastMatchStart;
  }

  /** `shortestStart` of the match `findEnd` last returned (see `FrameMatch`). */
  get matchShortestStart(): number {
    return this.lastMatchShortestStart;
  }

  /** Adds a chunk at the end, keeping a reference to it (no copy). Empty chunks are ignored. */
  append(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(asBuffer(chunk));
    this.size += chunk.length;
  }

  /**
   * The first-ending match of any of `separators` at or after the front, as offsets from the front
   * (asyncio 3.13: the shortest frame that ends with a separator). When several separators end
   * there (`'\r\n'` and `'\n'`), `start` is that of the longest, so the frame without its
   * separator is the shortest one. `null` when there is none yet. A later call
   * with the same separators resumes where this one stopped instead of rescanning.
   *
   * @example
   * buffer.find(toSeparatorBytes(['\r\n', '\n'])); // { start, end } or null
   */
  find(separators: readonly Buffer[]): FrameMatch | null {
    const end = this.findEnd(separators);
    return end === -1 ? null : { start: this.matchStart, end, shortestStart: this.matchShortestStart };
  }

  /**
   * `find` without allocating: the end of the first-ending match, or -1; its `start` and
   * `shortestStart` are left in `matchStart` and `matchShortestStart`. For per-frame hot loops.
   *
   * @example
   * const end = buffer.findEnd(separators);
   * if (end !== -1) frame = buffer.takeFrame(buffer.matchStart, end);
   */
  findEnd(separators: readonly Buffer[]): number {
    if (separators !== this.scanSeparators) {
      if (this.scanSeparators === null || !sameSeparators(separators, this.scanSeparators)) this.scanned = 0;
      this.scanSeparators = separators;
    }
    if (separators.length === 1) {
      const separator = separators[0];
      // No match lies within the first `scanned` bytes, so a match not yet seen ends after them and
      // starts at most `separator.length - 1` bytes before their end.
      const start = this.search(separator, Math.max(0, this.scanned - separator.length + 1), Infinity);
      if (start === -1) {
        this.scanned = this.size;
        return -1;
      }
      this.lastMatchStart = start;
      this.lastMatchShortestStart = start;
      this.scanned = start + separator.length - 1;
      return start + separator.length;
    }
    let longest = 0;
    for (let i = 0; i < separators.length; i++) {
      if (separators[i].length > longest) longest = separators[i].length;
    }
    const from = Math.max(0, this.scanned - (longest - 1));
    let bestStart = -1;
    let bestEnd = Infinity;
    let shortestStart = -1;
    for (let i = 0; i < separators.length; i++) {
      const separator = separators[i];
      // Only a match that ends no later than the best one so far can win or tie.
      const start = this.search(separator, from, bestEnd - separator.length);
      if (start === -1) continue;
      const end = start + separator.length;
      if (end < bestEnd) {
        bestStart = start;
        bestEnd = end;
        shortestStart = start;
      } else {
        // A tie: the frame is the bytes before the longest separator, the limit counts up to the
        // shortest.
        if (start < bestStart) bestStart = start;
        if (start > shortestStart) shortestStart = start;
      }
    }
    if (bestStart === -1) {
      this.scanned = this.size;
      return -1;
    }
    // The first-ending match ends at bestEnd, so nothing ends before it.
    this.scanned = bestEnd - 1;
    this.lastMatchStart = bestStart;
    this.lastMatchShortestStart = shortestStart;
    return bestEnd;
  }

  /**
   * The next frame when it lies, with its separator, inside the first chunk and is at most
   * `maxFrameLength` long: removed and returned as a view (separator kept unless `strip`).
   * Otherwise `null`, and nothing changes: use `findEnd` then. One separator only. This is the
   * per-frame fast path (one `indexOf`, one `subarray`).
   *
   * @example
   * const frame = buffer.takeFrameInFirstChunk(separators, true, limit) ?? slowPath();
   */
  takeFrameInFirstChunk(separators: readonly Buffer[], strip: boolean, maxFrameLength: number): Buffer | null {
    if (separators.length !== 1 || separators !== this.scanSeparators || this.size === 0) return null;
    const separator = separators[0];
    const separatorLength = separator.length;
    const chunk = this.chunks[this.head];
    const begin = this.headOffset;
    const found = chunk.indexOf(separator[0], begin + Math.max(0, this.scanned - separatorLength + 1));
    if (found === -1 || found - begin > maxFrameLength) return null;
    const end = found + separatorLength;
    if (end > chunk.length) return null;
    if (separatorLength > 1 && chunk.compare(separator, 1, separatorLength, found + 1, end) !== 0) return null;
    const frame = chunk.subarray(begin, strip ? found : end);
    if (end === chunk.length) this.nextChunk();
    else this.headOffset = end;
    this.size -= end - begin;
    this.scanned = 0;
    return frame;
  }

  /**
   * Takes every frame that lies, with its separator, inside the first chunk, appending them to
   * `frames` (views, separator kept unless `strip`), and returns how many it took. It stops at a
   * frame longer than `maxFrameLength`, at a separator that spans chunks, and at the end of the
   * chunk: call `findEnd` for what is left. One separator only (else it takes nothing). This is the
   * batch fast path: the cost per frame of a bare `indexOf` + `subarray` loop.
   *
   * @example
   * const frames: Buffer[] = [];
   * buffer.takeFramesInFirstChunk(separators, true, limit, frames);
   */
  takeFramesInFirstChunk(separators: readonly Buffer[], strip: boolean, maxFrameLength: number, frames: Buffer[]): number {
    if (separators.length !== 1 || this.size === 0) return 0;
    if (separators !== this.scanSeparators) {
      if (this.scanSeparators === null || !sameSeparators(separators, this.scanSeparators)) this.scanned = 0;
      this.scanSeparators = separators;
    }
    const separator = separators[0];
    const separatorLength = separator.length;
    const first = separator[0];
    const chunk = this.chunks[this.head];
    const chunkLength = chunk.length;
    const begin = this.headOffset;
    let position = begin;
    let found = chunk.indexOf(first, position + Math.max(0, this.scanned - separatorLength + 1));
    let taken = 0;
    while (found !== -1) {
      const end = found + separatorLength;
      if (end > chunkLength) break;
      if (separatorLength > 1 && chunk.compare(separator, 1, separatorLength, found + 1, end) !== 0) {
        found = chunk.indexOf(first, found + 1);
        continue;
      }
      if (found - position > maxFrameLength) break;
      frames.push(chunk.subarray(position, strip ? found : end));
      taken++;
      position = end;
      found = chunk.indexOf(first, position);
    }
    if (taken === 0) return 0;
    const consumed = position - begin;
    // Everything before `found` (or the whole rest of the chunk) holds no separator start.
    const clean = found === -1 ? chunkLength - position : found - position;
    if (position === chunkLength) this.nextChunk();
    else this.headOffset = position;
    this.size -= consumed;
    this.scanned = clean;
    return taken;
  }

  /**
   * The offset of the first match of `separator` starting in [from, lastUsefulStart], or -1.
   * Numeric indexOf on the first byte, then a forward check that may walk into later chunks.
   */
  private search(separator: Buffer, from: number, lastUsefulStart: number): number {
    const chunks = this.chunks;
    if (from >= this.size || from > lastUsefulStart) return -1;
    let index: number;
    let chunkStart: number;
    if (from + this.headOffset < chunks[this.head].length) {
      index = this.head;
      chunkStart = -this.headOffset;
    } else {
      // Walk back from the tail: a resume point past the first chunk is usually near the end.
      index = chunks.length - 1;
      chunkStart = this.size - chunks[index].length;
      while (chunkStart > from) {
        index--;
        chunkStart -= chunks[index].length;
      }
    }
    let offset = from - chunkStart;
    const first = separator[0];
    const separatorLength = separator.length;
    for (; index < chunks.length; index++) {
      const chunk = chunks[index];
      let found = chunk.indexOf(first, offset);
      while (found !== -1) {
        const start = chunkStart + found;
        if (start > lastUsefulStart) return -1;
        if (separatorLength === 1 || this.matchesAt(separator, index, found)) return start;
        found = chunk.indexOf(first, found + 1);
      }
      chunkStart += chunk.length;
      offset = 0;
    }
    return -1;
  }

  /** Whether `separator` (whose first byte already matched) sits at `chunks[index][offset]`. */
  private matchesAt(separator: Buffer, index: number, offset: number): boolean {
    const chunks = this.chunks;
    let chunk = chunks[index];
    let position = offset + 1;
    for (let i = 1; i < separator.length; i++, position++) {
      while (position >= chunk.length) {
        index++;
        if (index >= chunks.length) return false;
        position -= chunk.length;
        chunk = chunks[index];
      }
      if (chunk[position] !== separator[i]) return false;
    }
    return true;
  }

  /**
   * Removes and returns the first `n` bytes: a view when they lie inside one chunk, one
   * `Buffer.concat` otherwise.
   *
   * @example
   * const header = buffer.take(4);
   */
  take(n: number): Buffer {
    this.checkCount(n, 'take');
    if (n === 0) return EMPTY;
    const chunk = this.chunks[this.head];
    const available = chunk.length - this.headOffset;
    if (n <= available) {
      const frame = chunk.subarray(this.headOffset, this.headOffset + n);
      this.consumedInHead(n, available);
      return frame;
    }
    const parts: Buffer[] = [];
    let remaining = n;
    while (remaining > 0) {
      const current = this.chunks[this.head];
      const left = current.length - this.headOffset;
      if (remaining >= left) {
        parts.push(this.headOffset === 0 ? current : current.subarray(this.headOffset));
        remaining -= left;
        this.nextChunk();
      } else {
        parts.push(current.subarray(this.headOffset, this.headOffset + remaining));
        this.headOffset += remaining;
        remaining = 0;
      }
    }
    this.consumed(n);
    return Buffer.concat(parts, n);
  }

  /**
   * Removes the first `consumed` bytes and returns the first `frameLength` of them (a frame and its
   * separator in one step): a view when they lie inside one chunk.
   *
   * @example
   * const end = buffer.findEnd(separators);
   * const frame = buffer.takeFrame(buffer.matchStart, end); // without the separator
   */
  takeFrame(frameLength: number, consumed: number): Buffer {
    if (!(frameLength >= 0 && frameLength <= consumed && consumed <= this.size) || !Number.isInteger(consumed + frameLength)) {
      throw new RangeError(`cannot take a ${frameLength}-byte frame out of ${consumed} bytes: ${this.size} buffered`);
    }
    const chunk = this.chunks[this.head];
    if (chunk !== undefined) {
      const available = chunk.length - this.headOffset;
      if (consumed <= available) {
        const frame = chunk.subarray(this.headOffset, this.headOffset + frameLength);
        this.consumedInHead(consumed, available);
        return frame;
      }
    }
    const frame = this.take(frameLength);
    this.discard(consumed - frameLength);
    return frame;
  }

  /**
   * Removes the first `n` bytes without returning them.
   *
   * @example
   * buffer.discard(match.end - match.start); // drop a separator
   */
  discard(n: number): void {
    this.checkCount(n, 'discard');
    if (n === 0) return;
    let remaining = n;
    while (remaining > 0) {
      const left = this.chunks[this.head].length - this.headOffset;
      if (remaining >= left) {
        remaining -= left;
        this.nextChunk();
      } else {
        this.headOffset += remaining;
        remaining = 0;
      }
    }
    this.consumed(n);
  }

  /**
   * Removes and returns everything buffered (a view when it is all in one chunk).
   *
   * @example
   * const rest = buffer.takeAll();
   */
  takeAll(): Buffer {
    return this.take(this.size);
  }

  /**
   * The length of the longest proper prefix of `separator` that the buffer ends with (asynchat's
   * `find_prefix_at_end`): bytes that may be the start of a separator split across chunks. Only
   * the last `separator.length - 1` bytes are looked at.
   *
   * @example
   * // buffer holds 'abc\r'
   * buffer.prefixAtEnd(Buffer.from('\r\n')); // 1
   */
  prefixAtEnd(separator: Buffer): number {
    const window = Math.min(separator.length - 1, this.size);
    if (window <= 0) return 0;
    const tail = this.copyTail(window);
    for (let prefix = window; prefix > 0; prefix--) {
      if (tail.compare(separator, 0, prefix, window - prefix, window) === 0) return prefix;
    }
    return 0;
  }

  /**
   * Removes and returns the rest of the first chunk (a view, never a copy): for passing bytes on
   * as they arrived.
   *
   * @example
   * while (buffer.length > 0) socket.write(buffer.takeChunk());
   */
  takeChunk(): Buffer {
    if (this.size === 0) return EMPTY;
    return this.take(this.chunks[this.head].length - this.headOffset);
  }

  /**
   * Whether `bytes` are buffered at `offset` from the front (false when not all of them are there yet).
   *
   * @example
   * buffer.hasAt(Buffer.from('\n'), 10);
   */
  hasAt(bytes: Uint8Array, offset: number): boolean {
    if (!Number.isInteger(offset) || offset < 0 || offset + bytes.length > this.size) return false;
    if (bytes.length === 0) return true;
    let index = this.head;
    let position = offset + this.headOffset;
    while (position >= this.chunks[index].length) {
      position -= this.chunks[index].length;
      index++;
    }
    for (let i = 0; i < bytes.length; i++, position++) {
      while (position >= this.chunks[index].length) {
        position -= this.chunks[index].length;
        index++;
      }
      if (this.chunks[index][position] !== bytes[i]) return false;
    }
    return true;
  }

  /** Drops everything buffered. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.headOffset = 0;
    this.size = 0;
    this.scanned = 0;
  }

  /** A copy of the last `n` bytes (n <= length). */
  private copyTail(n: number): Buffer {
    const tail = Buffer.allocUnsafe(n);
    let filled = n;
    for (let index = this.chunks.length - 1; filled > 0; index--) {
      const chunk = this.chunks[index];
      const low = index === this.head ? this.headOffset : 0;
      const take = Math.min(filled, chunk.length - low);
      chunk.copy(tail, filled - take, chunk.length - take, chunk.length);
      filled -= take;
    }
    return tail;
  }

  private checkCount(n: number, operation: string): void {
    if (!Number.isInteger(n) || n < 0 || n > this.size) {
      throw new RangeError(`cannot ${operation} ${n} bytes: ${this.size} buffered`);
    }
  }

  private consumedInHead(n: number, available: number): void {
    if (n === available) this.nextChunk();
    else this.headOffset += n;
    this.consumed(n);
  }

  private nextChunk(): void {
    this.head++;
    this.headOffset = 0;
    if (this.head === this.chunks.length) {
      this.chunks.length = 0;
      this.head = 0;
    } else if (this.head > COMPACT_AFTER) {
      this.chunks.splice(0, this.head);
      this.head = 0;
    }
  }

  private consumed(n: number): void {
    this.size -= n;
    this.scanned = this.scanned > n ? this.scanned - n : 0;
  }
}
