/**
 * `legacy-import`: an import, require or re-export that brings in @asynchat/shim, directly or through a local module.
 * The rule of the same id of `asynchat-migrate check`: its summary and help come from check's rule
 * table (@asynchat/codemod/rules), its findings and messages from check's engine; docs/rules.md#legacy-import.
 */
import type { Rule } from 'eslint';
import { checkRuleMeta, docsUrl, reportCheckFindings } from '../check-rule';

const id = 'legacy-import';

const rule: Rule.RuleModule = {
  meta: checkRuleMeta(id, docsUrl(id)),
  create: (context) => reportCheckFindings(id, context),
};

export default rule;
