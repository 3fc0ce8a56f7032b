import { posix } from 'node:path';
import type { Finding } from './finding';

export interface CheckSummary {
  /** Findings that fail the run (all findings without a baseline). */
  total: number;
  /** Files with at least one such finding. */
  files: number;
  byRule: Record<string, number>;
  /** By the directory of the file, relative to the cwd ('.' for the cwd itself). */
  byDirectory: Record<string, number>;
  /** Source files considered (after discovery, ignores and sharding). */
  filesChecked: number;
  /** Files that passed the text prefilter and were parsed. */
  filesParsed: number;
  baseline?: BaselineSummary;
}

export interface BaselineSummary {
  file: string;
  /** Findings within the baseline counts (not failing the run). */
  suppressed: number;
  /** (file, rule) entries whose count rose or that are new. */
  exceeded: { file: string; rule: string; baseline: number; current: number }[];
  /** Entries whose count fell: the baseline can be tightened with --update-baseline. */
  fallen: { file: string; rule: string; baseline: number; current: number }[];
}

function sortedRecord(counts: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...counts.entries()].sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0)));
}

export function summarize(findings: readonly Finding[], filesChecked: number, filesParsed: number): CheckSummary {
  const byRule = new Map<string, number>();
  const byDirectory = new Map<string, number>();
  const files = new Set<string>();
  for (const finding of findings) {
    files.add(finding.file);
    byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1);
    const directory = posix.dirname(finding.file);
    byDirectory.set(directory, (byDirectory.get(directory) ?? 0) + 1);
  }
  return { total: findings.length, files: files.size, byRule: sortedRecord(byRule), byDirectory: sortedRecord(byDirectory), filesChecked, filesParsed };
}
