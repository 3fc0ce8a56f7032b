/** check's outputs: findings, the formats (text, json, sarif, github) and the baseline ratchet. */
export { CHECK_RULE_IDS, RULES, type CheckRuleId, type RuleDescription } from './rules';
export { compareFindings, publicFinding, type Finding, type LocatedFinding } from './finding';
export { collectFindings } from './findings';
export { summarize, type CheckSummary, type BaselineSummary } from './summary';
export { formatText } from './text-format';
export { formatJson } from './json-format';
export { formatSarif, SARIF_SCHEMA_URI, type SarifOptions } from './sarif-format';
export { formatGithub, escapeCommandData, escapeCommandProperty } from './github-format';
export {
  BASELINE_HEADER,
  BaselineFormatError,
  baselineKey,
  parseBaseline,
  formatBaseline,
  countFindings,
  compareWithBaseline,
  updateBaseline,
  type BaselineEntry,
  type BaselineScope,
  type BaselineComparison,
} from './baseline';
