/**
 * Test helpers: the real `eslint` CLI with the plugin's recommended config (the built plugin, as
 * a user installs it), and the real `asynchat-migrate check`, run in a directory.
 * ESLint's Node API loads configs with a dynamic import(), which jest's module sandbox refuses:
 * the CLIs run as child processes instead, which is also exactly what the issue compares.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

export const ROOT = resolve(__dirname, '../../..');
const PLUGIN_DIST = join(ROOT, 'packages', 'eslint-plugin', 'dist', 'index.js');
const CHECK_BINARY = join(ROOT, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const ESLINT_BINARY = join(ROOT, 'packages', 'eslint-plugin', 'node_modules', 'eslint', 'bin', 'eslint.js');
const TYPESCRIPT_ESLINT = require.resolve('typescript-eslint', { paths: [join(ROOT, 'packages', 'eslint-plugin')] });

export function requireBuild(): void {
  for (const path of [PLUGIN_DIST, CHECK_BINARY]) if (!existsSync(path)) throw new Error(`${path} is missing: run pnpm build first`);
}

/**
 * The flat config a TypeScript project writes: typescript-eslint's parser for TS files (with
 * `parserOptions.projectService` when `typed`), ESLint's default parser for JS, and the
 * recommended config. `rules: false` leaves the plugin out (the benchmark's baseline).
 */
export function writeConfig(options: { typed?: boolean; plugin?: boolean } = {}): string {
  const directory = mkdtempSync(join(tmpdir(), 'asynchat-eslint-'));
  const path = join(directory, 'eslint.config.mjs');
  writeFileSync(
    path,
    `import asynchat from ${JSON.stringify(pathToFileURL(PLUGIN_DIST).href)};
import tseslint from ${JSON.stringify(pathToFileURL(TYPESCRIPT_ESLINT).href)};
export default [
  { files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'] },
  { files: ['**/*.jsx'], languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } } },
  { files: ['**/*.{ts,tsx,mts,cts}'], languageOptions: { parser: tseslint.parser${options.typed ? ', parserOptions: { projectService: true, tsconfigRootDir: process.cwd() }' : ''} } },
  ${options.plugin === false ? '' : 'asynchat.configs.recommended,'}
];
`,
  );
  return path;
}

export interface Located {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
}

/** `eslint --format json .` in `cwd`, as (file, line, column, rule, message); ESLint's fatal parse errors as `parse-error`. */
export function eslintJson(cwd: string, options: { typed?: boolean } = {}): Located[] {
  const config = writeConfig(options);
  const result = spawnSync(process.execPath, [ESLINT_BINARY, '--config', config, '--format', 'json', '.'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0 && result.status !== 1) throw new Error(`eslint exited ${result.status}: ${result.stderr}`);
  const printed = JSON.parse(result.stdout) as { filePath: string; messages: { ruleId: string | null; fatal?: boolean; line: number; column: number; message: string }[] }[];
  const located: Located[] = [];
  for (const file of printed) {
    const relativePath = file.filePath.slice(cwd.length + 1).split('\\').join('/');
    for (const message of file.messages) {
      // ESLint's own notes (an unused eslint-disable directive in a fixture) are not findings.
      if (!message.fatal && !message.ruleId?.startsWith('@asynchat/')) continue;
      const rule = message.fatal ? 'parse-error' : (message.ruleId ?? 'unknown').replace(/^@asynchat\//, '');
      located.push({ file: relativePath, line: message.line, column: message.column, rule, message: message.message });
    }
  }
  return located;
}

/** `asynchat-migrate check --format json` in `cwd`. */
export function checkJson(cwd: string): Located[] {
  const result = spawnSync(process.execPath, [CHECK_BINARY, 'check', '--format', 'json'], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0 && result.status !== 1) throw new Error(`check exited ${result.status}: ${result.stderr}`);
  return (JSON.parse(result.stdout) as { findings: Located[] }).findings;
}
