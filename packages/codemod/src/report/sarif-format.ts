import { pathToFileURL } from 'node:url';
import type { LocatedFinding } from './finding';
import { lineFingerprints } from './fingerprint';
import { CHECK_RULE_IDS, RULES } from './rules';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
const SOURCE_ROOT = '%SRCROOT%';

export interface SarifOptions {
  /** The directory result URIs are relative to (the cwd); becomes the `%SRCROOT%` base. */
  sourceRoot: string;
  toolVersion: string;
  /** Keys (file \t rule, relative to the baseline) of findings over the baseline, when a baseline is in use. */
  baselineState?: (finding: LocatedFinding) => 'new' | 'unchanged';
}

function encodeRelativeUri(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * SARIF 2.1.0 (validates against the official schema): `$schema`, `tool.driver.rules` for every
 * rule id, results with relative URIs under `%SRCROOT%`, and `partialFingerprints`.
 */
export function formatSarif(findings: readonly LocatedFinding[], options: SarifOptions): string {
  // Findings come sorted by file, line and column, so `:n` on a shared hash follows the columns.
  const fingerprints = lineFingerprints(findings);
  const results = findings.map((finding, index) => {
    const result: Record<string, unknown> = {
      ruleId: finding.rule,
      ruleIndex: CHECK_RULE_IDS.indexOf(finding.rule),
      level: 'error',
      message: { text: finding.message },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: encodeRelativeUri(finding.file), uriBaseId: SOURCE_ROOT },
            region: { startLine: finding.line, startColumn: finding.column },
          },
        },
      ],
      partialFingerprints: { primaryLocationLineHash: fingerprints[index] as string },
    };
    if (options.baselineState) result.baselineState = options.baselineState(finding);
    return result;
  });
  const rootUri = pathToFileURL(options.sourceRoot).href;
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'asynchat-migrate',
            version: options.toolVersion,
            semanticVersion: options.toolVersion,
            informationUri: 'https://www.npmjs.com/package/@asynchat/codemod',
            rules: CHECK_RULE_IDS.map((id) => ({
              id,
              name: id.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase()),
              shortDescription: { text: RULES[id].summary },
              fullDescription: { text: `${RULES[id].summary} ${RULES[id].help}` },
              help: { text: RULES[id].help, markdown: RULES[id].help },
              defaultConfiguration: { level: 'error' },
            })),
          },
        },
        originalUriBaseIds: { [SOURCE_ROOT]: { uri: rootUri.endsWith('/') ? rootUri : `${rootUri}/` } },
        columnKind: 'utf16CodeUnits',
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}
