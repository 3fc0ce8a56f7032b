import type { CheckRuleId } from './rules';

/** One reported problem, as printed in every format. Line and column are 1-based. */
export interface Finding {
  /** Relative to the cwd, forward slashes. */
  file: string;
  line: number;
  column: number;
  rule: CheckRuleId;
  message: string;
}

/** A finding with what the formats and the baseline need besides: the absolute path and the source line. */
export interface LocatedFinding extends Finding {
  absolutePath: string;
  /** The text of the finding's line (SARIF fingerprints). */
  lineText: string;
  /**
   * 1 for the first line of its file with this text (whitespace aside), 2 for the second, ...: tells
   * identical lines apart in SARIF fingerprints without using the line number, which moves.
   */
  lineOccurrence: number;
}

export function compareFindings(left: Finding, right: Finding): number {
  if (left.file !== right.file) return left.file < right.file ? -1 : 1;
  return left.line - right.line || left.column - right.column || (left.rule < right.rule ? -1 : left.rule > right.rule ? 1 : 0);
}

/** The public shape of a finding (what `--format json` prints). */
export function publicFinding(finding: Finding): Finding {
  return { file: finding.file, line: finding.line, column: finding.column, rule: finding.rule, message: finding.message };
}
