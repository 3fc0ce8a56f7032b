/**
 * Each rewrite rule lives in one file (src/shared/rules/<id>.ts); the planner's ids come from
 * those files, and docs/rules.md carries each rule's row exactly as its file says it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MARKER_RULES, TRANSLATION_RULES } from '../../src/plan/rules';
import { MARKERS, REWRITE_RULES, TRANSLATIONS } from '../../src/shared/rules';

const rulesDirectory = join(__dirname, '..', '..', 'src', 'shared', 'rules');
const docs = readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'rules.md'), 'utf8');

test('one file per rule, named after its id', () => {
  const files = readdirSync(rulesDirectory)
    .filter((name) => !['index.ts', 'rule.ts', 'marker-comment.ts'].includes(name))
    .map((name) => name.replace(/\.ts$/, ''))
    .sort();
  expect(files).toEqual([...REWRITE_RULES.keys()].sort());
});

test('the planner names rules by their definitions', () => {
  expect(Object.values(TRANSLATION_RULES).sort()).toEqual(Object.values(TRANSLATIONS).map((rule) => rule.id).sort());
  expect(Object.values(MARKER_RULES).sort()).toEqual(Object.values(MARKERS).map((rule) => rule.id).sort());
});

test.each([...REWRITE_RULES.values()].map((rule) => [rule.id, rule] as const))('docs/rules.md has the row of %s as its file says it', (_id, rule) => {
  expect(docs).toContain(`| \`${rule.id}\` | ${rule.summary} | ${rule.help} |`);
});
