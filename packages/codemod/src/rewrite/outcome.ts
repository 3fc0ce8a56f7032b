import type { FileStatus, MarkerDecision } from './engine';

/** What a run did with one file, as reported (text, `--json`) and as sent back by a worker. */
export interface FileOutcome {
  /** Absolute path. */
  file: string;
  status: FileStatus;
  /** Rule ids applied (changed) or that need manual work (manual). */
  rules: string[];
  markers: MarkerDecision[];
  /** Why: the parse error, the manual reason, the write failure; '' when there is nothing to say. */
  message: string;
  /** True when the file's text differs after the rewrite (a manual file can change: its markers). */
  differs: boolean;
  /** With `--dry`: the unified diff of the change, relative to the run's directory. */
  diff?: string;
}

/** The order every report uses, whatever order workers finished in: by path, code unit order. */
export function compareOutcomes(left: FileOutcome, right: FileOutcome): number {
  return left.file < right.file ? -1 : left.file > right.file ? 1 : 0;
}
