/**
 * A deterministic split of files across CI machines: a file belongs to shard i of n when the 32-bit
 * FNV-1a hash of its path relative to the repository root (forward slashes) modulo n equals i - 1.
 * The same file lands in the same shard on every machine and in every run, whatever else changed;
 * every file lands in exactly one shard.
 *
 * @example
 * ```ts
 * inShard('src/echo.ts', { index: 1, count: 4 });
 * ```
 */
/** One part of a sharded run: `--shard 2/3` is { index: 2, count: 3 }. */
export interface Shard {
  /** 1-based, like jest's and playwright's `--shard`. */
  index: number;
  count: number;
}

export function inShard(relativePath: string, shard: { index: number; count: number }): boolean {
  return stablePathHash(relativePath) % shard.count === shard.index - 1;
}

/** 32-bit FNV-1a over the UTF-16 code units of the path. */
export function stablePathHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}
