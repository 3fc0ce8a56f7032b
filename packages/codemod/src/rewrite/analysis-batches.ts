/**
 * How many candidate files one analysis holds at most (a larger import group is analysed whole).
 * The analysis keeps every parsed file in memory, about half a megabyte each once the engine has
 * worked on it; analysing in batches of whole groups keeps the peak flat whatever the size of the
 * codebase, and the time linear in it.
 */
export const ANALYSIS_BATCH_FILES = 100;

/**
 * Packs whole import groups, in order, into batches of at most `limit` files (a larger group is a
 * batch of its own).
 *
 * @example
 * batchGroups([['a.ts', 'b.ts'], ['c.ts']], 2); // [['a.ts', 'b.ts'], ['c.ts']]
 */
export function batchGroups(groups: readonly string[][], limit: number = ANALYSIS_BATCH_FILES): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  for (const group of groups) {
    if (current.length > 0 && current.length + group.length > limit) {
      batches.push(current);
      current = [];
    }
    current.push(...group);
  }
  if (current.length > 0) batches.push(current);
  return batches.map((batch) => batch.sort());
}

/** The size of the largest batch `batchGroups` makes of these groups. */
export function largestBatch(groups: readonly string[][], limit: number = ANALYSIS_BATCH_FILES): number {
  return Math.max(0, ...batchGroups(groups, limit).map((batch) => batch.length));
}
