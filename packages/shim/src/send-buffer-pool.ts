/**
 * The recycled buffers `ChannelSocket.send` copies into: what one event sends is gathered in one
 * of these and written with one `socket.write`; when Node calls that write's callback (the bytes
 * have left for the kernel, or the socket failed), the buffer comes back here for the next batch.
 *
 * Why: a fresh `Buffer.allocUnsafe` per batch costs more than the copy itself: new memory is
 * page-faulted in on first touch (about one fault per 4 KiB sent) and V8 collects the old ones.
 * A recycled buffer is already mapped and usually still in the CPU cache.
 *
 * Bounds, so that pooling never makes memory grow:
 * - Only free buffers are kept, process-wide, at most `POOL_BYTES` of them; a buffer the socket
 *   still holds is not here, and a buffer whose write callback never comes (a wrapper that drops
 *   it) is simply collected by the GC.
 * - Sizes are powers of two from 16 KiB to 1 MiB; larger batches get a fresh buffer and are not
 *   kept. So a stalled peer holds exactly what it held before pooling: the batches written to it.
 *
 * A buffer must be given back at most once, and only once nothing can read or write it any more:
 * `release` ignores a buffer it did not hand out or that is already back, so a double release
 * cannot make two batches share memory.
 */

/** Smallest pooled size: a batch starts at least this big (the old minimum batch). */
export const MIN_POOLED = 16 * 1024;
/** Largest pooled size: a bigger batch is allocated for itself and dropped after its write. */
export const MAX_POOLED = 1024 * 1024;
/** At most this many bytes of free buffers are kept, for the whole process. */
export const POOL_BYTES = 4 * 1024 * 1024;

const MIN_SHIFT = Math.log2(MIN_POOLED);
const MAX_SHIFT = Math.log2(MAX_POOLED);

/** Free buffers by size class (index: log2(size) - MIN_SHIFT), used last-in first-out (warm). */
const free: Buffer[][] = Array.from({ length: MAX_SHIFT - MIN_SHIFT + 1 }, () => []);
/** Buffers handed out and not back yet: what `release` accepts. */
const lent = new WeakSet<object>();
let freeBytes = 0;
/** Bytes handed out and not given back (a buffer whose callback never came stays counted). */
let lentBytes = 0;

/**
 * The size a batch of `bytes` needs: the next power of two from `MIN_POOLED`; beyond `MAX_POOLED`,
 * `bytes` itself.
 *
 * @example
 * capacityFor(100);     // 16384
 * capacityFor(65537);   // 131072
 */
export function capacityFor(bytes: number): number {
  if (bytes <= MIN_POOLED) return MIN_POOLED;
  if (bytes > MAX_POOLED) return bytes;
  return 2 ** Math.ceil(Math.log2(bytes));
}

/**
 * A buffer of `capacityFor(bytes)` bytes, recycled when one is free. Its content is stale (another
 * batch's bytes): write only the part you filled.
 */
export function take(bytes: number): Buffer {
  const capacity = capacityFor(bytes);
  const list = capacity <= MAX_POOLED ? free[Math.log2(capacity) - MIN_SHIFT] : undefined;
  let buffer = list?.pop();
  if (buffer !== undefined) {
    freeBytes -= capacity;
  } else {
    // allocUnsafeSlow: a buffer of its own, never a slice of Node's shared 8 KiB pool.
    buffer = Buffer.allocUnsafeSlow(capacity);
  }
  lent.add(buffer.buffer);
  lentBytes += capacity;
  return buffer;
}

/**
 * Gives `buffer` back once nothing uses it. Kept if it is a pooled size and the pool has room;
 * otherwise left to the GC. A buffer not handed out by `take`, or already given back, is ignored.
 */
export function release(buffer: Buffer): void {
  if (!lent.delete(buffer.buffer)) return;
  const capacity = buffer.length;
  lentBytes -= capacity;
  if (capacity > MAX_POOLED || freeBytes + capacity > POOL_BYTES) return;
  free[Math.log2(capacity) - MIN_SHIFT].push(buffer);
  freeBytes += capacity;
}

/**
 * The pool's state, for tests and diagnostics: the free buffers kept and their bytes, and the
 * bytes of buffers handed out and not given back yet (batches being filled or written).
 */
export function poolStats(): { freeBuffers: number; freeBytes: number; lentBytes: number } {
  return { freeBuffers: free.reduce((sum, list) => sum + list.length, 0), freeBytes, lentBytes };
}
