import { StreamReader } from '@asynchat/streams';

/**
 * Helpers for driving a StreamReader by hand in tests.
 *
 *   const reader = readerWith(['a\nb'], { eof: true });
 *   expect(text(await reader.readUntil('\n'))).toBe('a\n');
 */

/** A reader fed with `chunks` (strings are latin1 bytes), optionally ended. */
export function readerWith(chunks: (string | Buffer)[], options: { eof?: boolean; limit?: number } = {}): StreamReader {
  const reader = new StreamReader({ limit: options.limit });
  for (const chunk of chunks) reader.feedData(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  if (options.eof === true) reader.feedEof();
  return reader;
}

/** The bytes as latin1 text (null stays null), for readable expectations. */
export const text = (buffer: Buffer | null): string | null => (buffer === null ? null : buffer.toString('latin1'));

/** Resolves after pending microtasks and one macrotask turn. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Everything an async iterable yields, until it ends. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** The error `promise` rejects with; throws when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}
