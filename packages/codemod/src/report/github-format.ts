import type { Finding } from './finding';
import type { CheckSummary } from './summary';

/** GitHub's escaping for a workflow command's message. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub's escaping for a workflow command's property values (file, title): also ':' and ','. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * GitHub Actions workflow commands: one `::error file=...,line=...,col=...,title=...::message`
 * per finding (annotations on the pull request), then a `::notice::` with the totals.
 */
export function formatGithub(findings: readonly Finding[], summary: CheckSummary): string {
  const lines = findings.map(
    (finding) =>
      `::error file=${escapeCommandProperty(finding.file)},line=${finding.line},col=${finding.column},title=${escapeCommandProperty(`asynchat-migrate ${finding.rule}`)}::${escapeCommandData(finding.message)}`,
  );
  for (const fallen of summary.baseline?.fallen ?? []) {
    lines.push(
      `::notice file=${escapeCommandProperty(fallen.file)},title=${escapeCommandProperty('asynchat-migrate baseline')}::${escapeCommandData(`${fallen.rule} fell from ${fallen.baseline} to ${fallen.current}: run asynchat-migrate check --baseline ${summary.baseline?.file ?? '<file>'} --update-baseline`)}`,
    );
  }
  lines.push(`::notice title=asynchat-migrate check::${escapeCommandData(`${summary.total} finding(s) in ${summary.files} file(s); ${summary.filesChecked} file(s) checked`)}`);
  return `${lines.join('\n')}\n`;
}
