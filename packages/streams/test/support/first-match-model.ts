import type { FrameMatch } from '../../src/framing';

/**
 * The reference model of a separator search, for property tests: the whole byte string at once,
 * each separator searched from the front with indexOf; the match that ends first wins. When
 * several separators end there, `start` is where the longest starts, `shortestStart` where the
 * shortest does (as in `FrameMatch`).
 *
 *   referenceFind(Buffer.from('ab\r\n'), [Buffer.from('\r\n'), Buffer.from('\n')])
 *   // { start: 2, end: 4, shortestStart: 3 }
 */
export function referenceFind(data: Buffer, separators: readonly Buffer[]): FrameMatch | null {
  let end = Infinity;
  for (const separator of separators) {
    const start = data.indexOf(separator);
    if (start !== -1) end = Math.min(end, start + separator.length);
  }
  if (end === Infinity) return null;
  const starts = separators
    .filter((separator) => end >= separator.length && data.subarray(end - separator.length, end).equals(separator))
    .map((separator) => end - separator.length);
  return { start: Math.min(...starts), end, shortestStart: Math.max(...starts) };
}
