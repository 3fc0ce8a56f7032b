import picocolors from 'picocolors';
import type { Finding } from './finding';
import type { CheckSummary } from './summary';

/**
 * `path:line:col  rule  message` lines, then the totals by rule and by directory.
 *
 * @example
 * ```ts
 * io.stdout.write(formatText(findings, summary, { color: io.isTTY }));
 * ```
 */
export function formatText(findings: readonly Finding[], summary: CheckSummary, options: { color: boolean; totals?: boolean }): string {
  const colors = picocolors.createColors(options.color);
  const lines: string[] = [];
  for (const finding of findings) {
    lines.push(`${colors.bold(`${finding.file}:${finding.line}:${finding.column}`)}  ${colors.red(finding.rule)}  ${finding.message}`);
  }
  // --quiet: the findings only, as ESLint's --quiet keeps the problems and drops the rest.
  if (options.totals === false) return lines.length > 0 ? `${lines.join('\n')}\n` : '';
  if (findings.length > 0) lines.push('');
  const noun = (count: number, singular: string): string => `${count} ${singular}${count === 1 ? '' : 's'}`;
  const suppressed = summary.baseline ? `, ${summary.baseline.suppressed} within the baseline` : '';
  lines.push(`${noun(summary.total, 'finding')} in ${noun(summary.files, 'file')}${suppressed} (${noun(summary.filesChecked, 'file')} checked, ${summary.filesParsed} parsed)`);
  const table = (title: string, counts: Record<string, number>): void => {
    const keys = Object.keys(counts);
    if (keys.length === 0) return;
    const width = Math.max(...keys.map((key) => key.length));
    lines.push(`${title}:`);
    for (const key of keys) lines.push(`  ${key.padEnd(width)}  ${counts[key]}`);
  };
  table('by rule', summary.byRule);
  table('by directory', summary.byDirectory);
  return `${lines.join('\n')}\n`;
}
