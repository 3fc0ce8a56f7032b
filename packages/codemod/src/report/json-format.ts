import { publicFinding, type Finding } from './finding';
import type { CheckSummary } from './summary';

/** `{ findings: [{ file, line, column, rule, message }], summary }`, one JSON document. */
export function formatJson(findings: readonly Finding[], summary: CheckSummary): string {
  return `${JSON.stringify({ findings: findings.map(publicFinding), summary }, null, 2)}\n`;
}
