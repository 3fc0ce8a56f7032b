import { execFileSync } from 'node:child_process';
import { statSync, chmodSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIo } from '../../src/cli/io';
import { runRewrite, type RewriteDependencies } from '../../src/cli/rewrite';
import { stubEngine, stubSelectFiles } from './support/stub-engine';
import { createTempProject, type TempProject } from './support/temp-project';

const dependencies: Partial<RewriteDependencies> = { engine: stubEngine, selectFiles: stubSelectFiles };

const HANDLER = `import { async_chat } from '@asynchat/shim';

export class Echo extends async_chat {
  found_terminator(): void {
    this.push('pong');
  }
}
`;
const MANUAL = `import { async_chat } from '@asynchat/shim';

export class Raw extends async_chat {
  handle_read(): void {}
}
`;
const PLAIN = `export const answer = 42;\n`;
const UNPARSABLE = `import { async_chat } from '@asynchat/shim';\nexport class Broken extends async_chat {\n  found_terminator( {\n}\n`;

async function run(project: TempProject, ...argv: string[]) {
  const io = memoryIo({ cwd: project.root });
  const exitCode = await runRewrite(argv, io, dependencies);
  return { exitCode, stdout: io.output(), stderr: io.errors() };
}

/** Makes a directory refuse new entries: permissions for a normal user, the immutable flag for root (who ignores permissions). */
function lockDirectory(directory: string): () => void {
  if (process.getuid?.() !== 0) {
    chmodSync(directory, 0o555);
    return () => chmodSync(directory, 0o755);
  }
  execFileSync('chattr', ['+i', directory]);
  return () => execFileSync('chattr', ['-i', directory]);
}

let project: TempProject;
afterEach(() => project?.remove());

describe('rewrite modes and exit codes', () => {
  test('writes the changes and exits 0; unchanged files keep their bytes', async () => {
    project = createTempProject({ 'src/echo.ts': HANDLER, 'src/plain.ts': PLAIN });
    project.commitAll();
    const before = project.hashes();
    const result = await run(project);
    expect(result.exitCode).toBe(0);
    expect(project.read('src/echo.ts')).toContain("this.write('pong')");
    expect(project.hashes()['src/plain.ts']).toBe(before['src/plain.ts']);
    expect(result.stdout).toMatch(/changed\s+src\/echo\.ts/);
    expect(result.stdout).toMatch(/rewrite: 1 changed, 0 manual, 0 errors, 1 unchanged \(2 files\) in \d+\.\d\d s/);
  });

  test('--dry writes nothing, exits 0, and prints a diff that git apply accepts', async () => {
    project = createTempProject({ 'src/echo.ts': HANDLER, 'src/raw.ts': MANUAL, 'src/plain.ts': PLAIN });
    project.commitAll();
    const before = project.hashes();
    const result = await run(project, '--dry');
    expect(result.exitCode).toBe(0);
    expect(project.hashes()).toEqual(before);
    expect(result.stdout).toContain('--- a/src/echo.ts\n+++ b/src/echo.ts\n');
    expect(result.stdout).toContain("+    this.write('pong');");
    expect(result.stdout).toContain('+// TODO(asynchat-migrate): handle-read-override');
    // stdout is only the patch; the summary goes to stderr.
    expect(result.stdout).not.toContain('rewrite:');
    expect(result.stderr).toContain('rewrite: 1 would change, 1 manual');
    writeFileSync(join(project.root, 'out.patch'), result.stdout);
    project.git('apply', '--check', 'out.patch');
    project.git('apply', 'out.patch');
    expect(project.read('src/echo.ts')).toContain("this.write('pong')");
  });

  test('--check writes nothing and exits 1 when a file would change', async () => {
    project = createTempProject({ 'src/echo.ts': HANDLER, 'src/plain.ts': PLAIN });
    const before = project.hashes();
    const result = await run(project, '--check');
    expect(result.exitCode).toBe(1);
    expect(project.hashes()).toEqual(before);
    expect(result.stdout).toContain('(check: nothing written)');
  });

  test('--check exits 0 when nothing would change (after a rewrite, the second run is a no-op)', async () => {
    project = createTempProject({ 'src/echo.ts': HANDLER, 'src/raw.ts': MANUAL });
    expect((await run(project, '--allow-dirty')).exitCode).toBe(0);
    const result = await run(project, '--check');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/manual\s+src\/raw\.ts/);
  });

  test('--check --dry prints the diff and exits 1', async () => {
    project = createTempProject({ 'src/echo.ts': HANDLER });
    const before = project.hashes();
    const result = await run(project, '--check', '--dry');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('+++ b/src/echo.ts');
    expect(project.hashes()).toEqual(before);
  });

  test('a file that does not parse is reported, left untouched, exit 2, and the other files are still rewritten', async () => {
    project = createTempProject({ 'src/broken.ts': UNPARSABLE, 'src/echo.ts': HANDLER });
    const brokenBefore = project.hashes()['src/broken.ts'];
    const result = await run(project, '--allow-dirty');
    expect(result.exitCode).toBe(2);
    expect(project.hashes()['src/broken.ts']).toBe(brokenBefore);
    expect(project.read('src/echo.ts')).toContain("this.write('pong')");
    expect(result.stdout).toMatch(/error\s+src\/broken\.ts\s+5:1 '\)' expected/);
    expect(result.stdout).toContain('1 changed, 0 manual, 1 error');
  });

  test('output that would not parse is never written: reported as an error', async () => {
    project = createTempProject({ 'src/bad.ts': `import { async_chat } from '@asynchat/shim';\n// BROKEN_OUTPUT\n` });
    const before = project.hashes();
    const result = await run(project, '--allow-dirty');
    expect(result.exitCode).toBe(2);
    expect(project.hashes()).toEqual(before);
    expect(result.stdout).toMatch(/error\s+src\/bad\.ts\s+the rewritten text does not parse \(4:8 '}' expected\.\); file left untouched/);
  });

  test('a write failure is reported, leaves the file and no temporary file behind, and the run goes on', async () => {
    project = createTempProject({ 'locked/echo.ts': HANDLER, 'open/echo.ts': HANDLER });
    const lockedBefore = project.read('locked/echo.ts');
    const unlock = lockDirectory(join(project.root, 'locked'));
    try {
      const result = await run(project, '--allow-dirty');
      expect(result.exitCode).toBe(2);
      expect(result.stdout).toMatch(/error\s+locked\/echo\.ts\s+could not write .*echo\.ts: .*; file left untouched/);
      expect(result.stdout).toContain('1 changed, 0 manual, 1 error');
    } finally {
      unlock();
    }
    expect(project.read('locked/echo.ts')).toBe(lockedBefore);
    expect(readdirSync(join(project.root, 'locked'))).toEqual(['echo.ts']);
    expect(project.read('open/echo.ts')).toContain("this.write('pong')");
  });

  test('writes keep the file mode and leave no temporary files', async () => {
    project = createTempProject({ 'bin/echo.ts': HANDLER });
    chmodSync(join(project.root, 'bin/echo.ts'), 0o754);
    const result = await run(project, '--allow-dirty');
    expect(result.exitCode).toBe(0);
    expect(statSync(join(project.root, 'bin/echo.ts')).mode & 0o777).toBe(0o754);
    expect(readdirSync(join(project.root, 'bin'))).toEqual(['echo.ts']);
  });

  test('usage errors exit 2 with the reason', async () => {
    project = createTempProject({});
    for (const argv of [['--jobs', '0'], ['--jobs', 'many'], ['--shard', '3/2'], ['--frobnicate'], ['--stdin', 'src']]) {
      const result = await run(project, ...argv);
      expect({ argv, exitCode: result.exitCode }).toEqual({ argv, exitCode: 2 });
      expect(result.stderr).toContain('asynchat-migrate rewrite:');
      expect(result.stdout).toBe('');
    }
  });

  test('--help documents every option and the exit codes', async () => {
    project = createTempProject({});
    const result = await run(project, '--help');
    expect(result.exitCode).toBe(0);
    for (const option of ['--dry', '--check', '--json', '--jobs', '--shard', '--tsconfig', '--ignore', '--allow-dirty', '--stdin', '--no-gitignore', 'NO_COLOR', '.gitignore']) {
      expect(result.stdout).toContain(option);
    }
    expect(result.stdout).toMatch(/0\s+done/);
    expect(result.stdout).toMatch(/1\s+--check/);
    expect(result.stdout).toMatch(/2\s+errors/);
  });

  test('git apply --check rejects nothing in a multi-file dry run from a subdirectory', async () => {
    project = createTempProject({ 'pkg/src/a.ts': HANDLER, 'pkg/src/b.ts': HANDLER.replace('Echo', 'Other') });
    project.commitAll();
    const io = memoryIo({ cwd: join(project.root, 'pkg') });
    expect(await runRewrite(['src', '--dry'], io, dependencies)).toBe(0);
    writeFileSync(join(project.root, 'pkg', 'out.patch'), io.output());
    execFileSync('git', ['apply', '--check', 'out.patch'], { cwd: join(project.root, 'pkg') });
    expect(io.output().match(/^diff --git /gm)).toHaveLength(2);
  });
});
