/**
 * The programmatic API (`@asynchat/codemod`): only `rewrite`, `check` and their error class at
 * run time, and both return the CLI's report as data, on a temporary project.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as codemod from '@asynchat/codemod';
import { AsynchatMigrateError, check, rewrite } from '@asynchat/codemod';

const legacy = fs.readFileSync(path.resolve(__dirname, '../../../../fixtures/codemod/seed-line-handler/input.ts'), 'utf8');
let project: string;

beforeEach(() => {
  // Not a git work tree: rewrite notes that and writes without the uncommitted-changes guard.
  project = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-api-'));
  fs.mkdirSync(path.join(project, 'src'));
  fs.writeFileSync(path.join(project, 'src/line-handler.ts'), legacy);
  fs.writeFileSync(path.join(project, 'src/plain.ts'), 'export const answer = 42;\n');
});

afterEach(() => fs.rmSync(project, { recursive: true, force: true }));

test('the root export is the small API, not the internals', () => {
  expect(Object.keys(codemod).sort()).toEqual(['AsynchatMigrateError', 'check', 'rewrite']);
});

test('check returns the findings, the summary and the exit code', async () => {
  const result = await check({ cwd: project, paths: ['src'] });
  expect(result.exitCode).toBe(1);
  expect(result.summary.filesChecked).toBe(2);
  expect(result.findings.length).toBeGreaterThan(0);
  expect(result.findings.every((finding) => finding.file === 'src/line-handler.ts')).toBe(true);
  expect(result.findings.map((finding) => finding.rule)).toContain('legacy-import');
  expect(result.summary.total).toBe(result.findings.length);
});

test('rewrite with dryRun reports what would change and writes nothing; without it, writes', async () => {
  const preview = await rewrite({ cwd: project, paths: ['src'], dryRun: true });
  expect(preview.exitCode).toBe(0);
  expect(preview.files.map((file) => [file.file, file.status])).toEqual([
    ['src/line-handler.ts', 'changed'],
    ['src/plain.ts', 'unchanged'],
  ]);
  expect(preview.totals).toEqual({ changed: 1, unchanged: 1, manual: 0, error: 0 });
  expect(fs.readFileSync(path.join(project, 'src/line-handler.ts'), 'utf8')).toBe(legacy);

  const written = await rewrite({ cwd: project, paths: ['src'] });
  expect(written.totals.changed).toBe(1);
  const after = fs.readFileSync(path.join(project, 'src/line-handler.ts'), 'utf8');
  expect(after).toContain('@asynchat/streams');
  expect(after).not.toContain('@asynchat/shim');
  expect((await check({ cwd: project, paths: ['src'] })).exitCode).toBe(0);
});

test('a run that cannot start rejects with AsynchatMigrateError, with the CLI’s message and exit code', async () => {
  const failure = check({ cwd: project, paths: ['no-such-directory'] });
  await expect(failure).rejects.toBeInstanceOf(AsynchatMigrateError);
  await expect(failure).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('no-such-directory') });
});

test('a path that starts with a dash is a path, not an option', async () => {
  fs.renameSync(path.join(project, 'src'), path.join(project, '-src'));
  const result = await check({ cwd: project, paths: ['-src'] });
  expect(result.summary.filesChecked).toBe(2);
});
