import { createHash } from 'node:crypto';
import type { LocatedFinding } from './finding';

/** A line's text as fingerprints see it: without whitespace, so re-indenting or re-wrapping spaces keeps the alert. */
export function fingerprintLineText(line: string): string {
  return line.replace(/\s+/g, '');
}

/**
 * The SARIF `partialFingerprints.primaryLocationLineHash` of each finding, in order:
 * `<16 hex of SHA-256(rule, file, line text without whitespace, occurrence of that text in the file)>:<n>`.
 *
 * - unique per distinct result: the file is in the hash (the same line in two files differs), and
 *   so is the occurrence index (the same line twice in one file differs); `n` numbers results that
 *   still share a hash (two findings of one rule on one line), in column order;
 * - stable when unrelated lines move: no line number or column goes in, so code scanning keeps
 *   tracking an alert when lines are added or removed above it. It changes when the line itself,
 *   the file's path or the number of identical lines above it changes.
 *
 * @example
 * ```ts
 * lineFingerprints(findings); // ['3f1c…:1', …]
 * ```
 */
export function lineFingerprints(findings: readonly LocatedFinding[]): string[] {
  const counts = new Map<string, number>();
  return findings.map((finding) => {
    const hash = createHash('sha256')
      .update([finding.rule, finding.file, fingerprintLineText(finding.lineText), String(finding.lineOccurrence)].join('\0'))
      .digest('hex')
      .slice(0, 16);
    const n = (counts.get(hash) ?? 0) + 1;
    counts.set(hash, n);
    return `${hash}:${n}`;
  });
}
