/**
 * The plugin reports what `check` reports: on fixtures/legacy-app and every check fixture
 * directory, `eslint --format json` with the recommended config and `asynchat-migrate check
 * --format json`, run in the same directory, give the same (file, line, column, rule) set, and the
 * same messages. Deliberate difference: check's `parse-error` is not a rule of the plugin; ESLint
 * reports its own parser's error (fatal, no rule id) instead, compared by file and line (the two
 * parsers word the error differently). ESLint also reports parse errors in files check never
 * parses (files that cannot reach the shim): those are left out of the comparison.
 * With type information (projectService), the directories whose tsconfig holds their files.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { checkJson, eslintJson, requireBuild, ROOT, type Located } from './lint';

const CHECK_FIXTURES = join(ROOT, 'fixtures', 'check');
const LEGACY_APP = join(ROOT, 'fixtures', 'legacy-app');

/**
 * All of fixtures/check at once, and on their own the directories where running in them changes
 * the result (their own tsconfig: aliases, the type checker; paths in messages). Every check
 * fixture directory is in the first run; running each on its own costs an ESLint start each.
 */
const directories = [
  LEGACY_APP,
  CHECK_FIXTURES,
  ...['aliases', 'type-aware', 'legacy-api/with-tsconfig', 'legacy-api/no-tsconfig'].map((name) => join(CHECK_FIXTURES, name)),
];
/** Directories with a tsconfig that includes all their files: where projectService can type every file. */
const typedDirectories = [LEGACY_APP, join(CHECK_FIXTURES, 'type-aware'), join(CHECK_FIXTURES, 'legacy-api', 'with-tsconfig')];

const key = (finding: Pick<Located, 'file' | 'line' | 'column' | 'rule'>): string =>
  finding.rule === 'parse-error' ? `${finding.file}:${finding.line} parse-error` : `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`;

function compare(directory: string, typed: boolean): void {
  const checked = checkJson(directory);
  const linted = eslintJson(directory, { typed });
  const checkedFiles = new Set(checked.map((finding) => finding.file));
  const comparable = linted.filter((finding) => finding.rule !== 'parse-error' || checkedFiles.has(finding.file));
  expect(comparable.map(key).sort()).toEqual(checked.map(key).sort());
  const messages = (list: Located[]): string[] => list.filter((finding) => finding.rule !== 'parse-error').map((finding) => `${key(finding)} ${finding.message}`).sort();
  expect(messages(comparable)).toEqual(messages(checked));
}

beforeAll(requireBuild);

test('the runs cover every check fixture directory, and findings of every rule (the comparison is not vacuous)', () => {
  const fixtureDirectories = readdirSync(CHECK_FIXTURES).filter((name) => statSync(join(CHECK_FIXTURES, name)).isDirectory());
  const checkedDirectories = new Set(checkJson(CHECK_FIXTURES).map((finding) => finding.file.split('/')[0]));
  // clean/ has no findings by design; every other fixture directory has some, so the whole-tree run compares them.
  expect(fixtureDirectories.filter((name) => !checkedDirectories.has(name))).toEqual(['clean']);
  const rules = new Set([...checkJson(LEGACY_APP), ...checkJson(CHECK_FIXTURES)].map((finding) => finding.rule));
  expect([...rules].sort()).toEqual(['legacy-api', 'legacy-import', 'legacy-loop', 'legacy-subclass', 'manual-marker', 'parse-error']);
});

test.each(directories.map((directory) => [directory.slice(ROOT.length + 1), directory]))('%s: eslint without type information reports the same set as check', (_label, directory) => {
  compare(directory, false);
});

test.each(typedDirectories.map((directory) => [directory.slice(ROOT.length + 1), directory]))('%s: eslint with projectService reports the same set as check', (_label, directory) => {
  compare(directory, true);
});
