import type { LocatedFinding } from './finding';
import { relativePosixPath } from './relative-path';

/**
 * The baseline ratchet file: one `<file>\t<rule>\t<count>` line per file and rule, sorted, paths
 * relative to the baseline file's directory with forward slashes. One entry per line means two
 * branches that fix different files touch different lines, so merges do not conflict; a count
 * going down is a one-line change.
 */
export const BASELINE_HEADER = '# asynchat-migrate check baseline: <file>\\t<rule>\\t<count>, sorted. Update with --update-baseline.';

export interface BaselineEntry {
  file: string;
  rule: string;
  count: number;
}

/** A baseline file that is not in the expected format: carries the file and line. */
export class BaselineFormatError extends Error {
  override readonly name = 'BaselineFormatError';
  constructor(
    readonly path: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${path}:${line}: ${detail}`);
  }
}

export function baselineKey(file: string, rule: string): string {
  return `${file}\t${rule}`;
}

/**
 * @example
 * ```ts
 * parseBaseline('src/a.ts\tlegacy-import\t2\n', 'check-baseline.tsv'); // Map { 'src/a.ts\tlegacy-import' => { file, rule, count: 2 } }
 * ```
 */
export function parseBaseline(text: string, path: string): Map<string, BaselineEntry> {
  const entries = new Map<string, BaselineEntry>();
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.startsWith('#')) return;
    const fields = line.split('\t');
    if (fields.length !== 3) throw new BaselineFormatError(path, index + 1, `expected '<file>\\t<rule>\\t<count>', got '${line}'`);
    const [file, rule, countText] = fields as [string, string, string];
    if (!/^\d+$/.test(countText)) throw new BaselineFormatError(path, index + 1, `count must be a whole number, got '${countText}'`);
    const key = baselineKey(file, rule);
    // A merge that kept both sides of a change leaves two lines for one entry: the smaller count is the ratchet.
    const previous = entries.get(key);
    const count = Number(countText);
    entries.set(key, { file, rule, count: previous ? Math.min(previous.count, count) : count });
  });
  return entries;
}

export function formatBaseline(entries: Iterable<BaselineEntry>): string {
  const lines = [...entries]
    .filter((entry) => entry.count > 0)
    .sort((left, right) => (left.file < right.file ? -1 : left.file > right.file ? 1 : left.rule < right.rule ? -1 : left.rule > right.rule ? 1 : 0))
    .map((entry) => `${entry.file}\t${entry.rule}\t${entry.count}`);
  return `${BASELINE_HEADER}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`;
}

/** Counts findings per (file relative to the baseline's directory, rule). */
export function countFindings(findings: readonly LocatedFinding[], baselineDirectory: string): Map<string, BaselineEntry> {
  const counts = new Map<string, BaselineEntry>();
  for (const finding of findings) {
    const file = relativePosixPath(baselineDirectory, finding.absolutePath);
    const key = baselineKey(file, finding.rule);
    const entry = counts.get(key);
    if (entry) entry.count += 1;
    else counts.set(key, { file, rule: finding.rule, count: 1 });
  }
  return counts;
}

/** Which baseline entries this run can speak for: files it checked, and files that no longer exist. */
export interface BaselineScope {
  /** Paths relative to the baseline's directory of every file this run checked. */
  checkedFiles: ReadonlySet<string>;
  /** True when a file (relative to the baseline's directory) still exists. */
  fileExists(file: string): boolean;
}

export interface BaselineComparison {
  exceeded: { file: string; rule: string; baseline: number; current: number }[];
  fallen: { file: string; rule: string; baseline: number; current: number }[];
  /** Keys of (file, rule) pairs whose findings fail the run. */
  failingKeys: Set<string>;
}

function inScope(file: string, scope: BaselineScope): boolean {
  return scope.checkedFiles.has(file) || !scope.fileExists(file);
}

/**
 * Compares this run's counts with the baseline: a count above its entry, or a pair with no entry,
 * is exceeded (fails the run); a count below its entry has fallen (a hint, or a failure with
 * --strict-baseline). Entries of files outside this run (other shards, paths not given) are left alone.
 */
export function compareWithBaseline(current: ReadonlyMap<string, BaselineEntry>, baseline: ReadonlyMap<string, BaselineEntry>, scope: BaselineScope): BaselineComparison {
  const comparison: BaselineComparison = { exceeded: [], fallen: [], failingKeys: new Set() };
  for (const [key, entry] of current) {
    const allowed = baseline.get(key)?.count ?? 0;
    if (entry.count > allowed) {
      comparison.exceeded.push({ file: entry.file, rule: entry.rule, baseline: allowed, current: entry.count });
      comparison.failingKeys.add(key);
    }
  }
  for (const [key, entry] of baseline) {
    if (!inScope(entry.file, scope)) continue;
    const count = current.get(key)?.count ?? 0;
    if (count < entry.count) comparison.fallen.push({ file: entry.file, rule: entry.rule, baseline: entry.count, current: count });
  }
  const order = (left: { file: string; rule: string }, right: { file: string; rule: string }): number =>
    left.file < right.file ? -1 : left.file > right.file ? 1 : left.rule < right.rule ? -1 : left.rule > right.rule ? 1 : 0;
  comparison.exceeded.sort(order);
  comparison.fallen.sort(order);
  return comparison;
}

/**
 * The baseline after `--update-baseline`: this run's counts for the files it checked, entries of
 * deleted files pruned, entries of files outside this run kept as they were.
 */
export function updateBaseline(current: ReadonlyMap<string, BaselineEntry>, baseline: ReadonlyMap<string, BaselineEntry>, scope: BaselineScope): { entries: BaselineEntry[]; pruned: number } {
  const entries: BaselineEntry[] = [];
  let pruned = 0;
  for (const [key, entry] of baseline) {
    if (inScope(entry.file, scope)) {
      if ((current.get(key)?.count ?? 0) === 0) pruned += 1;
      continue;
    }
    entries.push(entry);
  }
  for (const entry of current.values()) entries.push({ ...entry });
  return { entries, pruned };
}
