/**
 * The errors a stream reader or writer raises. Each one carries its data (the partial bytes, the
 * number of bytes consumed, the method that was waiting) so a caller can recover, not only log.
 * The asyncio name is kept where asyncio has the error.
 */

/** The default line length limit, in bytes: asyncio's `_DEFAULT_LIMIT = 2 ** 16`. */
export const DEFAULT_LIMIT = 64 * 1024;

/**
 * The stream ended before the read was satisfied (asyncio `IncompleteReadError`). `partial` holds
 * the bytes that were read and are no longer buffered; `expected` is the number of bytes asked
 * for, or `null` when it was unknown (a separator read).
 *
 * @example
 * try {
 *   await reader.readUntil('\r\n');
 * } catch (error) {
 *   if (error instanceof IncompleteReadError) console.log('tail without terminator:', error.partial);
 *   else throw error;
 * }
 */
export class IncompleteReadError extends Error {
  override readonly name = 'IncompleteReadError';
  readonly partial: Buffer;
  readonly expected: number | null;

  constructor(partial: Buffer, expected: number | null) {
    // asyncio's own wording, 'undefined' included, so messages match across the migration.
    const total = expected === null ? 'undefined' : String(expected);
    super(`${partial.length} bytes read on a total of ${total} expected bytes`);
    this.partial = partial;
    this.expected = expected;
  }
}

/**
 * A separator read went past the reader's `limit` (asyncio `LimitOverrunError`). The data stays
 * buffered (except after `readLine`, which drops the overlong line as asyncio does); `consumed` is
 * the number of bytes to consume to get past it.
 *
 * @example
 * try {
 *   await reader.readUntil('\n');
 * } catch (error) {
 *   if (!(error instanceof LimitOverrunError)) throw error;
 *   await reader.readExactly(error.consumed); // skip what was scanned, then resynchronise
 * }
 */
export class LimitOverrunError extends Error {
  override readonly name = 'LimitOverrunError';
  readonly consumed: number;

  constructor(message: string, consumed: number) {
    super(message);
    this.consumed = consumed;
  }
}

/**
 * A read had to wait while another read on the same reader was already waiting (asyncio raises
 * `RuntimeError` here). A reader has one consumer at a time.
 *
 * @example
 * const first = reader.readLine();
 * await reader.readLine(); // rejects: ConcurrentReadError { method: 'readLine', waiting: 'readLine' }
 */
export class ConcurrentReadError extends Error {
  override readonly name = 'ConcurrentReadError';
  /** The read that was refused. */
  readonly method: string;
  /** The read that was already waiting. */
  readonly waiting: string;

  constructor(method: string, waiting: string) {
    super(`${method}() called while another read (${waiting}()) is already waiting for incoming data`);
    this.method = method;
    this.waiting = waiting;
  }
}

/**
 * The connection was lost: reset by the peer, or closed while a write was waiting to drain (Python's
 * `ConnectionResetError`, as asyncio's `drain()` raises it). `code` is the system error code when
 * there was one (`ECONNRESET`, `EPIPE`, ...), and `cause` the original Node error.
 *
 * @example
 * try {
 *   await writer.drain();
 * } catch (error) {
 *   if (error instanceof ConnectionResetError) return; // the peer went away
 *   throw error;
 * }
 */
export class ConnectionResetError extends Error {
  override readonly name = 'ConnectionResetError';
  readonly code: string | null;

  constructor(message: string, code: string | null = null, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.code = code;
  }
}

/** System error codes that mean the peer or the network dropped the connection. */
const CONNECTION_LOST_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ETIMEDOUT']);

/**
 * The error a reader or writer reports for a socket error: a connection loss becomes a
 * `ConnectionResetError` saying how many bytes of unfinished input were lost; anything else is kept.
 */
export function toConnectionError(error: Error, bufferedBytes: number): Error {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === undefined || !CONNECTION_LOST_CODES.has(code)) return error;
  const lost = bufferedBytes > 0 ? ` with ${bufferedBytes} bytes of unfinished input buffered` : '';
  return new ConnectionResetError(`connection lost (${code}: ${error.message})${lost}`, code, error);
}
