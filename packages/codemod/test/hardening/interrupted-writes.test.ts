/**
 * Issue 10: a rewrite killed during its write phase (SIGKILL: nothing of ours runs) leaves every
 * file either as it was or fully rewritten, and the next run removes the temporary files it left,
 * never counting them as uncommitted changes. The kill is injected from outside the code under
 * test (source-cli.cjs: ASYNCHAT_TEST_KILL_AT).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTempProject, type TempProject } from '../cli/support/temp-project';
import { MIGRATABLE_HANDLER, runSourceCli } from './support/hardening-project';

const FILES = ['src/a.ts', 'src/b.ts', 'src/c.ts', 'src/d.ts'];
const TEMPORARY = /\.asynchat-migrate-.*\.tmp$/;

let projects: TempProject[] = [];
afterEach(() => {
  for (const project of projects) project.remove();
  projects = [];
});

function legacyProject(): TempProject {
  const project = createTempProject(Object.fromEntries(FILES.map((file) => [file, MIGRATABLE_HANDLER])));
  project.commitAll();
  projects.push(project);
  return project;
}

let migrated: string;
beforeAll(() => {
  const reference = createTempProject({ 'src/a.ts': MIGRATABLE_HANDLER });
  try {
    expect(runSourceCli(['rewrite', '--allow-dirty', 'src'], { cwd: reference.root }).exitCode).toBe(0);
    migrated = reference.read('src/a.ts');
    expect(migrated).not.toBe(MIGRATABLE_HANDLER);
  } finally {
    reference.remove();
  }
});

const temporaryFiles = (project: TempProject): string[] => readdirSync(join(project.root, 'src'), { recursive: true }).map(String).filter((name) => TEMPORARY.test(name));

// Writes overlap (eight at a time): the four files' temporary files are opened, written, synced and
// renamed in turn, so these points cover "no temporary file yet" to "some files already replaced".
test.each(['open:1', 'open:3', 'writeFile:2', 'sync:4', 'rename:1', 'rename:3'])('SIGKILL before %s: every file old or new, and a rerun finishes cleanly', (killAt) => {
  const project = legacyProject();
  const killed = runSourceCli(['rewrite', 'src'], { cwd: project.root, env: { ASYNCHAT_TEST_KILL_AT: killAt } });
  expect(killed.signal).toBe('SIGKILL');

  const contents = FILES.map((file) => project.read(file));
  for (const text of contents) expect([MIGRATABLE_HANDLER, migrated]).toContain(text);
  const leftBehind = temporaryFiles(project);
  // The later points must really leave temporary files behind, or the rerun proves nothing.
  if (killAt !== 'open:1') expect(leftBehind.length).toBeGreaterThan(0);

  // Files already rewritten are real uncommitted changes; the temporary files must not count as any.
  const alreadyWritten = contents.some((text) => text === migrated);
  const rerun = runSourceCli(['rewrite', 'src', ...(alreadyWritten ? ['--allow-dirty'] : [])], { cwd: project.root });
  expect(rerun.stderr).not.toContain('refusing');
  expect(rerun.exitCode).toBe(0);
  if (leftBehind.length > 0) expect(rerun.stderr).toContain(`removed ${leftBehind.length} temporary`);
  for (const file of FILES) expect(project.read(file)).toBe(migrated);
  expect(temporaryFiles(project)).toEqual([]);
  expect(project.git('status', '--porcelain', '--untracked-files=all')).not.toMatch(TEMPORARY);
});

test('a temporary file of a run still in progress (a live pid) is neither removed nor counted as a change', () => {
  const project = legacyProject();
  // This jest worker is alive: its pid marks the file as another run's, in progress.
  const live = project.write(`src/.a.ts.asynchat-migrate-${process.pid}-0123456789ab.tmp`, 'partial');
  const run = runSourceCli(['rewrite', 'src'], { cwd: project.root });
  expect(run.stderr).not.toContain('refusing');
  expect(run.exitCode).toBe(0);
  expect(readFileSync(live, 'utf8')).toBe('partial');
});

test.each(['SIGINT', 'SIGTERM'])('%s while temporary files exist: they are removed, and the process ends by that signal', (signal) => {
  const project = legacyProject();
  const interrupted = runSourceCli(['rewrite', 'src'], { cwd: project.root, env: { ASYNCHAT_TEST_KILL_AT: `sync:2:${signal}` } });
  expect(interrupted.signal).toBe(signal);
  expect(temporaryFiles(project)).toEqual([]);
  for (const file of FILES) expect([MIGRATABLE_HANDLER, migrated]).toContain(project.read(file));
});
