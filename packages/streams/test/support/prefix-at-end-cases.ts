/**
 * `[haystack, needle, expected]` cases of asynchat's find_prefix_at_end (how many bytes at the end
 * of `haystack` are the start of `needle`, a whole `needle` excluded), checked against CPython
 * 3.11. Shared by the streams FrameBuffer.prefixAtEnd tests and the shim's find_prefix_at_end
 * tests, which add their own cases.
 */
export const FIND_PREFIX_AT_END_CASES: readonly [haystack: string, needle: string, expected: number][] = [
  ['abqq', 'qqq', 2],
  ['abq', 'qqq', 1],
  ['', '\r\n', 0],
  ['x', 'x', 0],
  ['abc', '\n', 0],
  ['ab\r\n.\r', '\r\n.\r\n', 4],
  ['ab\r\n.', '\r\n.\r\n', 3],
  ['\r\r', '\r\n', 1],
];
