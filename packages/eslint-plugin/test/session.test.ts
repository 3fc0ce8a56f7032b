/**
 * The shared analysis: answers follow the text being linted (an editor's unsaved buffer) and the
 * files on disk it depends on (re-stat'ed at most once a second), also after the whole project
 * was analysed once for the run. Uses ESLint's Linter with its `cwd`, as the CLI and editors do.
 */
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Linter } from 'eslint';
import tseslint from 'typescript-eslint';
import { clearFindingsCache } from '@asynchat/codemod/rules';
import plugin from '../src/index';

let project: string;
const config: Linter.Config[] = [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser as Linter.Parser } }, plugin.configs.recommended];

const HANDLER = "import { async_chat } from '@asynchat/shim';\nexport class Handler extends async_chat {}\n";
const ECHO = "import { Handler } from './handler';\nexport class Echo extends Handler {}\n";

beforeEach(() => {
  clearFindingsCache();
  project = mkdtempSync(join(tmpdir(), 'asynchat-eslint-session-'));
  writeFileSync(join(project, 'handler.ts'), HANDLER);
  writeFileSync(join(project, 'echo.ts'), ECHO);
  for (let index = 0; index < 4; index += 1) writeFileSync(join(project, `plain-${index}.ts`), `export const value${index} = ${index};\n`);
});
afterEach(() => rmSync(project, { recursive: true, force: true }));

const lint = (linter: Linter, name: string, text: string): string[] =>
  linter.verify(text, config, join(project, name)).map((message) => `${message.line}:${message.column} ${message.ruleId}`);

test('a lint run over the project: the whole-project analysis answers, and the same file twice gives the same answer', () => {
  const linter = new Linter({ cwd: project });
  // Enough files for the whole-project analysis to take over (see WHOLE_PROJECT_AFTER_FILES).
  for (let index = 0; index < 4; index += 1) expect(lint(linter, `plain-${index}.ts`, `export const value${index} = ${index};\n`)).toEqual([]);
  expect(lint(linter, 'handler.ts', HANDLER)).toEqual(['1:1 @asynchat/legacy-import', '2:14 @asynchat/legacy-subclass']);
  expect(lint(linter, 'echo.ts', ECHO)).toEqual(['2:14 @asynchat/legacy-subclass']);
  expect(lint(linter, 'echo.ts', ECHO)).toEqual(['2:14 @asynchat/legacy-subclass']);
});

test("the linted text wins over the disk (an editor's unsaved buffer)", () => {
  const linter = new Linter({ cwd: project });
  for (let index = 0; index < 4; index += 1) lint(linter, `plain-${index}.ts`, `export const value${index} = ${index};\n`);
  expect(lint(linter, 'echo.ts', 'export class Echo {}\n')).toEqual([]);
  expect(lint(linter, 'plain-0.ts', "import { loop } from '@asynchat/shim';\n\nloop();\n")).toEqual(['1:1 @asynchat/legacy-import', '3:1 @asynchat/legacy-loop']);
  // CRLF line ends and a BOM do not move positions (check reads files the same way).
  expect(lint(linter, 'echo.ts', `\uFEFF// header\r\n${ECHO.replace(/\n/g, '\r\n')}`)).toEqual(['3:14 @asynchat/legacy-subclass']);
});

test('a dependency changed on disk is seen by the next lint after the staleness interval', async () => {
  const linter = new Linter({ cwd: project });
  for (let index = 0; index < 4; index += 1) lint(linter, `plain-${index}.ts`, `export const value${index} = ${index};\n`);
  expect(lint(linter, 'echo.ts', ECHO)).toEqual(['2:14 @asynchat/legacy-subclass']);
  writeFileSync(join(project, 'handler.ts'), 'export class Handler {}\n');
  const later = new Date(Date.now() + 5000);
  utimesSync(join(project, 'handler.ts'), later, later);
  await new Promise((resolve) => setTimeout(resolve, 1100));
  expect(lint(linter, 'plain-1.ts', 'export const value1 = 1;\n')).toEqual([]);
  expect(lint(linter, 'echo.ts', ECHO)).toEqual([]);
});
