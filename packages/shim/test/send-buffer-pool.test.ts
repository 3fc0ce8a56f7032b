/**
 * The recycled send buffers (send-buffer-pool.ts): sizes, reuse, and the bounds that keep pooling
 * from growing memory (a process-wide cap on free buffers, nothing above 1 MiB kept, a buffer
 * never handed out twice at once).
 */
import { MAX_POOLED, MIN_POOLED, POOL_BYTES, capacityFor, poolStats, release, take } from '../src/send-buffer-pool';

test('capacities are powers of two from 16 KiB to 1 MiB, exact beyond', () => {
  expect(capacityFor(0)).toBe(MIN_POOLED);
  expect(capacityFor(1)).toBe(16384);
  expect(capacityFor(16384)).toBe(16384);
  expect(capacityFor(16385)).toBe(32768);
  expect(capacityFor(65536)).toBe(65536);
  expect(capacityFor(65537)).toBe(131072);
  expect(capacityFor(MAX_POOLED)).toBe(MAX_POOLED);
  expect(capacityFor(MAX_POOLED + 1)).toBe(MAX_POOLED + 1);
});

test('a released buffer is the next one taken of its size (warm), and not before', () => {
  const first = take(65536);
  const second = take(65536);
  expect(second.buffer).not.toBe(first.buffer);
  release(first);
  const third = take(60000);
  expect(third).toBe(first);
  expect(take(65536).buffer).not.toBe(second.buffer); // second is still lent out
  release(second);
  release(third);
});

test('a double release cannot make two takers share a buffer', () => {
  const buffer = take(MIN_POOLED);
  release(buffer);
  release(buffer);
  const a = take(MIN_POOLED);
  const b = take(MIN_POOLED);
  expect(a.buffer).not.toBe(b.buffer);
  release(a);
  release(b);
});

test('buffers it did not hand out are ignored', () => {
  const before = poolStats();
  release(Buffer.allocUnsafeSlow(65536));
  expect(poolStats()).toEqual(before);
});

test('buffers above 1 MiB are not kept', () => {
  const before = poolStats();
  const big = take(MAX_POOLED + 1);
  expect(big.length).toBe(MAX_POOLED + 1);
  release(big);
  expect(poolStats().freeBytes).toBe(before.freeBytes);
  expect(poolStats().lentBytes).toBe(before.lentBytes);
});

test('at most POOL_BYTES of free buffers are kept, whatever was lent', () => {
  const lent = Array.from({ length: (2 * POOL_BYTES) / MAX_POOLED }, () => take(MAX_POOLED));
  for (const buffer of lent) release(buffer);
  const stats = poolStats();
  expect(stats.freeBytes).toBeLessThanOrEqual(POOL_BYTES);
  expect(stats.freeBytes).toBeGreaterThan(0);
  // Every buffer came back: none is still counted as lent.
  const again = Array.from({ length: lent.length }, () => take(MAX_POOLED));
  for (const buffer of again) release(buffer);
  expect(poolStats().lentBytes).toBe(stats.lentBytes);
});
