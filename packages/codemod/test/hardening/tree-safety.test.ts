/**
 * Issue 10, "nothing written outside the target": symbolic links out of the tree are never
 * followed, and paths that cannot be read are reported one by one (exit 2) while the rest is done.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkIn, MIGRATABLE_HANDLER, rewriteIn, runSourceCli, scratchDirectory } from './support/hardening-project';

let target: { root: string; dispose(): void };
let outside: { root: string; dispose(): void };
beforeEach(() => {
  target = scratchDirectory('target');
  outside = scratchDirectory('outside');
});
afterEach(() => {
  target.dispose();
  outside.dispose();
});

test('a symbolic link under the target that points outside it is reported and never followed, by rewrite and by check', async () => {
  const outsideFile = join(outside.root, 'elsewhere.ts');
  writeFileSync(outsideFile, MIGRATABLE_HANDLER);
  mkdirSync(join(target.root, 'src'));
  writeFileSync(join(target.root, 'src', 'own.ts'), MIGRATABLE_HANDLER);
  symlinkSync(outsideFile, join(target.root, 'src', 'link.ts'));

  const rewrite = await rewriteIn(target.root, ['--allow-dirty', 'src']);
  expect(rewrite.exitCode).toBe(0);
  expect(readFileSync(outsideFile, 'utf8')).toBe(MIGRATABLE_HANDLER);
  expect(readFileSync(join(target.root, 'src', 'own.ts'), 'utf8')).not.toBe(MIGRATABLE_HANDLER);
  expect(rewrite.stderr).toContain(`not following src/link.ts: a symbolic link to ${outsideFile}, outside the target`);
  expect(rewrite.stdout).not.toContain('link.ts');

  writeFileSync(join(target.root, 'src', 'own.ts'), MIGRATABLE_HANDLER);
  const check = await checkIn(target.root, ['src', '--format', 'json']);
  expect(check.exitCode).toBe(1);
  expect((JSON.parse(check.stdout) as { findings: { file: string }[] }).findings.map((finding) => finding.file)).not.toContain('src/link.ts');
  expect(check.stderr).toContain('not following src/link.ts');
});

const UNPRIVILEGED_USER = 65534; // nobody
const canDropPrivileges = process.getuid?.() === 0 && spawnSync('setpriv', ['--version']).status === 0;
const unreadableReason = (): string | null => {
  if (process.getuid?.() !== 0) return null; // Not root: chmod 000 is enough.
  return canDropPrivileges ? null : 'running as root without setpriv: root reads every directory, so the case cannot be built';
};

test('an unreadable directory and an unreadable file are reported per path by rewrite and check (exit 2); the rest is still processed', () => {
  const reason = unreadableReason();
  if (reason !== null) {
    console.log(`skipped: ${reason}`);
    return;
  }
  // The scratch directory is private to its owner: open it to the user the CLI runs as.
  chmodSync(target.root, 0o755);
  for (const directory of ['src', 'src/locked', 'src/open']) mkdirSync(join(target.root, directory));
  for (const file of ['src/open/readable.ts', 'src/locked/hidden.ts', 'src/open/secret.ts']) writeFileSync(join(target.root, file), MIGRATABLE_HANDLER);
  for (const directory of ['src', 'src/open']) chmodSync(join(target.root, directory), 0o777);
  chmodSync(join(target.root, 'src/open/readable.ts'), 0o666);
  chmodSync(join(target.root, 'src/open/secret.ts'), 0o000);
  chmodSync(join(target.root, 'src/locked'), 0o000);
  const user = canDropPrivileges ? { user: UNPRIVILEGED_USER } : {};

  const check = runSourceCli(['check', 'src', '--format', 'json'], { cwd: target.root, ...user });
  expect(check.stderr).toContain('asynchat-migrate check: cannot read src/locked: EACCES: permission denied');
  expect(check.stderr).toContain('asynchat-migrate check: cannot read src/open/secret.ts: EACCES: permission denied');
  expect(check.exitCode).toBe(2);
  // The readable file was still checked, and the report is complete for it.
  expect((JSON.parse(check.stdout) as { findings: { file: string }[] }).findings.map((finding) => finding.file)).toContain('src/open/readable.ts');

  const rewrite = runSourceCli(['rewrite', '--allow-dirty', 'src'], { cwd: target.root, ...user });
  expect(rewrite.stdout).toMatch(/error\s+src\/locked\s+cannot read: EACCES: permission denied/);
  expect(rewrite.stdout).toMatch(/error\s+src\/open\/secret\.ts\s+cannot read: EACCES: permission denied/);
  expect(rewrite.stdout).toMatch(/changed\s+src\/open\/readable\.ts/);
  expect(rewrite.exitCode).toBe(2);
  expect(readFileSync(join(target.root, 'src/open/readable.ts'), 'utf8')).not.toBe(MIGRATABLE_HANDLER);
  chmodSync(join(target.root, 'src/locked'), 0o755);
  expect(readFileSync(join(target.root, 'src/locked/hidden.ts'), 'utf8')).toBe(MIGRATABLE_HANDLER);
});
