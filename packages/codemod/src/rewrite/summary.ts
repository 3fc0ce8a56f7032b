import type { FileStatus } from './engine';

/** Files per status, every status present (zero when none). */
export type StatusTotals = Record<FileStatus, number>;

export const FILE_STATUSES: readonly FileStatus[] = ['changed', 'unchanged', 'manual', 'error'];

/** Counts files by status. */
export function totalsByStatus(statuses: Iterable<FileStatus>): StatusTotals {
  const totals: StatusTotals = { changed: 0, unchanged: 0, manual: 0, error: 0 };
  for (const status of statuses) totals[status] += 1;
  return totals;
}

export interface SummaryInput {
  totals: StatusTotals;
  elapsedMilliseconds: number;
  /** What happened to the changes: written, shown as diffs, or only counted. */
  mode: 'write' | 'dry' | 'check';
}

/**
 * The closing line of a run, e.g.
 * `rewrite: 12 changed, 3 manual, 0 errors, 985 unchanged (1000 files) in 2.41 s`.
 */
export function formatSummary({ totals, elapsedMilliseconds, mode }: SummaryInput): string {
  const files = totals.changed + totals.unchanged + totals.manual + totals.error;
  const changedLabel = mode === 'write' ? 'changed' : 'would change';
  const counts = [
    `${totals.changed} ${changedLabel}`,
    `${totals.manual} manual`,
    `${totals.error} ${totals.error === 1 ? 'error' : 'errors'}`,
    `${totals.unchanged} unchanged`,
  ].join(', ');
  const suffix = mode === 'dry' ? ' (dry run: nothing written)' : mode === 'check' ? ' (check: nothing written)' : '';
  return `rewrite: ${counts} (${files} ${files === 1 ? 'file' : 'files'}) in ${(elapsedMilliseconds / 1000).toFixed(2)} s${suffix}`;
}
