/**
 * `@asynchat/eslint-plugin`: the rules of `asynchat-migrate check` in ESLint 9 (flat config), so
 * legacy @asynchat/shim usage shows where developers already look: the editor and the lint run.
 *
 * @example
 * ```js
 * // eslint.config.mjs
 * import asynchat from '@asynchat/eslint-plugin';
 * export default [asynchat.configs.recommended];
 * ```
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ESLint, Linter, Rule } from 'eslint';
import legacyApi from './rules/legacy-api';
import legacyImport from './rules/legacy-import';
import legacyLoop from './rules/legacy-loop';
import legacySubclass from './rules/legacy-subclass';
import manualMarker from './rules/manual-marker';
import type { PluginRuleId } from './check-rule';

const rules: Record<PluginRuleId, Rule.RuleModule> = {
  'legacy-import': legacyImport,
  'legacy-subclass': legacySubclass,
  'legacy-loop': legacyLoop,
  'legacy-api': legacyApi,
  'manual-marker': manualMarker,
};

/** The namespace the rules are registered under: `@asynchat/legacy-import`, as ESLint names a scoped plugin. */
const NAMESPACE = '@asynchat';

const { name, version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { name: string; version: string };

interface AsynchatPlugin extends ESLint.Plugin {
  rules: Record<PluginRuleId, Rule.RuleModule>;
  configs: { recommended: Linter.Config };
}

const plugin: AsynchatPlugin = {
  meta: { name, version },
  rules,
  configs: { recommended: {} },
};

// Every rule as a warning: the plugin shows legacy usage; `asynchat-migrate check` (baseline,
// SARIF) is the gate that fails CI. A config that wants lint to fail sets them to 'error'.
// No `files`: the rules apply to whatever ESLint lints (JavaScript by default; TypeScript once a
// config such as typescript-eslint's adds the files and the parser).
plugin.configs.recommended = {
  name: `${NAMESPACE}/recommended`,
  plugins: { [NAMESPACE]: plugin },
  rules: Object.fromEntries(Object.keys(rules).map((id) => [`${NAMESPACE}/${id}`, 'warn'])),
};

// `export =`: a CommonJS module whose module.exports is the plugin, so that `import asynchat from
// '@asynchat/eslint-plugin'` in an ESM eslint.config.mjs gets the plugin itself (not `{ default }`).
export = plugin;
