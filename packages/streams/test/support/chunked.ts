/**
 * Cuts `data` into copied chunks of the given sizes, cycling through `sizes` (a size of 0 gives an
 * empty chunk; when every size is 0, the rest of `data` follows as one chunk, so it always ends).
 *
 *   chunked(Buffer.from('abcde'), [2, 1]) // 'ab', 'c', 'de'
 */
export function chunked(data: Buffer, sizes: readonly number[]): Buffer[] {
  const chunks: Buffer[] = [];
  let offset = 0;
  for (let i = 0; offset < data.length; i++) {
    const size = sizes[i % sizes.length];
    chunks.push(Buffer.from(data.subarray(offset, offset + size)));
    offset += size;
    if (sizes.every((one) => one === 0)) {
      chunks.push(Buffer.from(data.subarray(offset)));
      break;
    }
  }
  return chunks;
}
