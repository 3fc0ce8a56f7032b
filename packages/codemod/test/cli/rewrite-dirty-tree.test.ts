import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { memoryIo } from '../../src/cli/io';
import { runRewrite, type RewriteDependencies } from '../../src/cli/rewrite';
import { findUncommittedChanges } from '../../src/rewrite/git-dirty';
import { stubEngine, stubSelectFiles } from './support/stub-engine';
import { createTempProject, type TempProject } from './support/temp-project';

const dependencies: Partial<RewriteDependencies> = { engine: stubEngine, selectFiles: stubSelectFiles };
const HANDLER = `import { async_chat } from '@asynchat/shim';\nexport class Echo extends async_chat {\n  found_terminator(): void {\n    this.push('pong');\n  }\n}\n`;

async function run(cwd: string, ...argv: string[]) {
  const io = memoryIo({ cwd });
  const exitCode = await runRewrite(argv, io, dependencies);
  return { exitCode, stdout: io.output(), stderr: io.errors() };
}

let project: TempProject;
afterEach(() => project?.remove());

describe('uncommitted changes guard', () => {
  beforeEach(() => {
    project = createTempProject({ 'src/echo.ts': HANDLER, 'src/other.ts': HANDLER, 'docs/notes.md': 'notes\n', '.gitignore': 'build/\n' });
    project.commitAll();
  });

  test('a modified tracked file and an untracked file under the target: refused, exit 2, both named, nothing written', async () => {
    appendFileSync(join(project.root, 'src/other.ts'), '// local edit\n');
    writeFileSync(join(project.root, 'src/new.ts'), 'export {};\n');
    const before = project.hashes();
    const result = await run(project.root, 'src');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('refusing to write: 2 files under the target have uncommitted changes');
    expect(result.stderr).toMatch(/modified\s+src\/other\.ts/);
    expect(result.stderr).toMatch(/untracked\s+src\/new\.ts/);
    expect(result.stderr).toContain('--allow-dirty');
    expect(result.stdout).toBe('');
    expect(project.hashes()).toEqual(before);
  });

  test('a staged change counts as uncommitted', async () => {
    appendFileSync(join(project.root, 'src/other.ts'), '// staged\n');
    project.git('add', 'src/other.ts');
    const result = await run(project.root);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/modified\s+src\/other\.ts/);
  });

  test('changes outside the target paths, and ignored files, do not count', async () => {
    appendFileSync(join(project.root, 'docs/notes.md'), 'more\n');
    writeFileSync(join(project.root, 'docs/draft.md'), 'draft\n');
    project.write('build/out.ts', 'export {};\n');
    project.write('src/build/cache.ts', 'export {};\n');
    const result = await run(project.root, 'src');
    expect(result.stderr).not.toContain('refusing');
    expect(result.exitCode).toBe(0);
    expect(project.read('src/echo.ts')).toContain("this.write('pong')");
  });

  test('--allow-dirty writes anyway', async () => {
    appendFileSync(join(project.root, 'src/other.ts'), '// local edit\n');
    const result = await run(project.root, '--allow-dirty');
    expect(result.exitCode).toBe(0);
    expect(project.read('src/echo.ts')).toContain("this.write('pong')");
    expect(project.read('src/other.ts')).toContain('// local edit');
  });

  test('--dry and --check write nothing, so a dirty tree is not refused', async () => {
    appendFileSync(join(project.root, 'src/other.ts'), '// local edit\n');
    expect((await run(project.root, '--dry')).exitCode).toBe(0);
    expect((await run(project.root, '--check')).exitCode).toBe(1);
  });

  test('a clean tree is written without a note', async () => {
    const result = await run(join(project.root, 'src'));
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
  });
});

test('outside a git work tree: written, with a note on stderr that the guard did not apply', async () => {
  project = createTempProject({ 'src/echo.ts': HANDLER });
  const result = await run(project.root);
  expect(result.exitCode).toBe(0);
  expect(result.stderr).toMatch(/note: .* is not inside a git work tree; writing without the uncommitted-changes guard/);
  expect(project.read('src/echo.ts')).toContain("this.write('pong')");
});

test('findUncommittedChanges reports renamed files under their new name', () => {
  project = createTempProject({ 'src/a.ts': 'export {};\n' });
  project.commitAll();
  project.git('mv', 'src/a.ts', 'src/b.ts');
  const state = findUncommittedChanges([join(project.root, 'src')], project.root);
  expect(state.kind).toBe('dirty');
  expect(state.kind === 'dirty' && state.files.map((file) => [file.kind, file.path])).toEqual([
    ['modified', join(project.root, 'src/b.ts')],
  ]);
});
