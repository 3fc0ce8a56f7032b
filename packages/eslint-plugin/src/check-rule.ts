/**
 * What every rule of the plugin shares: each rule is `check`'s rule of the same id, reported from
 * `check`'s own findings for the file (`@asynchat/codemod/rules`), so ids, messages, positions and
 * help cannot drift from the CLI. The rule files hold their id, meta and docs link; this file holds
 * the one way they all report.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { findingsForFile, RULES, type CheckRuleId, type TypeInformation } from '@asynchat/codemod/rules';
import type { Rule } from 'eslint';

/** docs/rules.md on GitHub, as the packages' `repository` field names the repository. */
export const RULES_DOC_URL = 'https://github.com/asynchat-migrate/asynchat-migrate/blob/main/docs/rules.md';

/** The section of docs/rules.md for a rule (GitHub's anchor for `## legacy-import` is `#legacy-import`). */
export function docsUrl(id: CheckRuleId): string {
  return `${RULES_DOC_URL}#${id}`;
}

/** The rules the plugin has: check's, except parse-error (ESLint reports its own parser's errors). */
export type PluginRuleId = Exclude<CheckRuleId, 'parse-error'>;

/**
 * The meta of a rule, from check's rule table: `docs.description` is the summary `check` puts in
 * SARIF, `docs.help` what to do, and the only message is the finding's own (check's message text).
 */
export function checkRuleMeta(id: PluginRuleId, url: string): Rule.RuleMetaData {
  const description = RULES[id];
  const docs: Rule.RuleMetaData['docs'] & { help: string } = { description: description.summary, recommended: true, url, help: description.help };
  return {
    type: 'problem',
    docs,
    messages: { [id]: '{{ message }}' },
    schema: [],
  };
}

/** typescript-eslint's parser services, when the file was parsed with type information. */
interface ParserServicesWithProgram {
  program?: { getTypeChecker(): unknown } | null;
}

/** TypeFlags.Object of the TypeScript the program comes from: the user's `typescript`, as typescript-eslint loads it. */
const objectTypeFlags = new Map<string, number | null>();
function objectTypeFlag(cwd: string): number | null {
  const cached = objectTypeFlags.get(cwd);
  if (cached !== undefined) return cached;
  let flag: number | null = null;
  for (const from of [join(cwd, 'package.json'), __filename]) {
    try {
      const typescript = createRequire(from)('typescript') as { TypeFlags: { Object: number } };
      flag = typescript.TypeFlags.Object;
      break;
    } catch {
      // not installed there: try the next place
    }
  }
  objectTypeFlags.set(cwd, flag);
  return flag;
}

function typeInformation(context: Rule.RuleContext): TypeInformation | undefined {
  const services = context.sourceCode.parserServices as ParserServicesWithProgram | undefined;
  const program = services?.program;
  if (!program) return undefined;
  const flag = objectTypeFlag(context.cwd);
  return flag === null ? undefined : { program, objectTypeFlag: flag };
}

/**
 * The rule's listener: on the Program node, ask for check's findings for this file (analysed once
 * per text for all the rules, and once per lint run for the project: see @asynchat/codemod/rules)
 * and report those of this rule. ESLint columns are 0-based, check's 1-based.
 */
export function reportCheckFindings(id: PluginRuleId, context: Rule.RuleContext): Rule.RuleListener {
  return {
    Program() {
      const types = typeInformation(context);
      const findings = findingsForFile({ file: context.filename, text: context.sourceCode.text, cwd: context.cwd, ...(types ? { types } : {}) });
      for (const finding of findings) {
        if (finding.rule !== id) continue;
        context.report({ loc: { line: finding.line, column: finding.column - 1 }, messageId: id, data: { message: finding.message } });
      }
    },
  };
}
