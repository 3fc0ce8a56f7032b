import { memoryIo } from '../../src/cli/io';
import { runRewrite, type RewriteDependencies } from '../../src/cli/rewrite';
import { join } from 'node:path';
import { selectRewriteFiles } from '../../src/rewrite/select-files';
import { stubEngine } from './support/stub-engine';
import { createTempProject, type TempProject } from './support/temp-project';

// The real file selection (discovery, .gitignore, --ignore, --shard, --stdin) with the stub engine.
const dependencies: Partial<RewriteDependencies> = { engine: stubEngine };
const handler = (name: string) =>
  `import { async_chat } from '@asynchat/shim';\nexport class ${name} extends async_chat {\n  found_terminator(): void {\n    this.push('${name}');\n  }\n}\n`;

interface JsonReport {
  files: { file: string; status: string }[];
  totals: Record<string, number>;
}

async function runJson(project: TempProject, argv: string[], stdin?: string): Promise<{ exitCode: number; report: JsonReport; stderr: string }> {
  const io = memoryIo({ cwd: project.root, ...(stdin !== undefined ? { stdin } : {}) });
  const exitCode = await runRewrite(['--json', '--dry', ...argv], io, dependencies);
  return { exitCode, report: JSON.parse(io.output()) as JsonReport, stderr: io.errors() };
}

const filesOf = (report: JsonReport) => report.files.map((entry) => entry.file);

let project: TempProject;
afterEach(() => project?.remove());

test('.gitignore is honoured, negated lines included', async () => {
  project = createTempProject({
    '.gitignore': 'generated/\n*.gen.ts\n!keep.gen.ts\n',
    'src/a.ts': handler('A'),
    'src/b.gen.ts': handler('B'),
    'src/keep.gen.ts': handler('Keep'),
    'generated/c.ts': handler('C'),
  });
  project.git('init', '-q');
  const { exitCode, report } = await runJson(project, []);
  expect(exitCode).toBe(0);
  expect(filesOf(report)).toEqual(['src/a.ts', 'src/keep.gen.ts']);
  expect(report.totals.changed).toBe(2);
});

test('--no-gitignore reads ignored files too', async () => {
  project = createTempProject({ '.gitignore': 'generated/\n', 'src/a.ts': handler('A'), 'generated/c.ts': handler('C') });
  project.git('init', '-q');
  const { report } = await runJson(project, ['--no-gitignore']);
  expect(filesOf(report)).toEqual(['generated/c.ts', 'src/a.ts']);
});

test('--ignore skips matching files (repeatable) and only those', async () => {
  project = createTempProject({ 'src/a.ts': handler('A'), 'src/legacy/b.ts': handler('B'), 'src/c.test.ts': handler('C'), 'src/d.mjs': "import '@asynchat/shim';\n" });
  const { report } = await runJson(project, ['--ignore', 'src/legacy/**', '--ignore', '*.test.ts']);
  expect(filesOf(report)).toEqual(['src/a.ts', 'src/d.mjs']);
});

test('--shard i/n: the shards are disjoint, their union is the whole run, and each file keeps its outcome', async () => {
  const files: Record<string, string> = {};
  for (let index = 0; index < 24; index += 1) files[`src/dir${index % 4}/handler${index}.ts`] = index % 3 === 0 ? `export const n${index} = ${index};\n` : handler(`H${index}`);
  project = createTempProject(files);
  const whole = await runJson(project, []);
  const seen = new Map<string, string>();
  for (let index = 1; index <= 3; index += 1) {
    const shard = await runJson(project, ['--shard', `${index}/3`]);
    expect(shard.exitCode).toBe(0);
    for (const entry of shard.report.files) {
      expect(seen.has(entry.file)).toBe(false);
      seen.set(entry.file, entry.status);
    }
    expect(shard.report.files.length).toBeGreaterThan(0);
  }
  expect([...seen.keys()].sort()).toEqual(filesOf(whole.report));
  for (const entry of whole.report.files) expect(seen.get(entry.file)).toBe(entry.status);
  // Deterministic: the same shard twice is the same list.
  const again = await runJson(project, ['--shard', '2/3']);
  const first = await runJson(project, ['--shard', '2/3']);
  expect(filesOf(again.report)).toEqual(filesOf(first.report));
});

test('--stdin takes the file list from standard input', async () => {
  project = createTempProject({ 'src/a.ts': handler('A'), 'src/b.ts': handler('B'), 'src/c.ts': handler('C') });
  const { report } = await runJson(project, ['--stdin'], 'src/b.ts\nsrc/gone.ts\n\nsrc/c.ts\n');
  expect(filesOf(report)).toEqual(['src/b.ts', 'src/c.ts']);
});

test('paths select what is rewritten; a missing path is an error (exit 2)', async () => {
  project = createTempProject({ 'src/a.ts': handler('A'), 'lib/b.ts': handler('B'), 'lib/c.ts': handler('C') });
  const { report } = await runJson(project, ['lib/b.ts', 'src']);
  expect(filesOf(report)).toEqual(['lib/b.ts', 'src/a.ts']);
  const io = memoryIo({ cwd: project.root });
  expect(await runRewrite(['nowhere', '--dry'], io, dependencies)).toBe(2);
  expect(io.errors()).toContain('no such file or directory: nowhere');
});

test('an unreadable --tsconfig is a clear error, exit 2', async () => {
  project = createTempProject({ 'src/a.ts': handler('A'), 'tsconfig.json': '{ "compilerOptions": { ' });
  const io = memoryIo({ cwd: project.root });
  expect(await runRewrite(['--tsconfig', 'tsconfig.json', '--dry'], io, dependencies)).toBe(2);
  expect(io.errors()).toMatch(/cannot use tsconfig .*tsconfig\.json/);
});

test('no source files: exit 0, with a note on stderr', async () => {
  project = createTempProject({ 'README.md': '# nothing\n' });
  const { exitCode, report, stderr } = await runJson(project, []);
  expect(exitCode).toBe(0);
  expect(report.files).toEqual([]);
  expect(stderr).toContain('no source files selected under .');
});

describe('tsconfig', () => {
  const aliasProject = () =>
    createTempProject({
      'src/legacy/base.ts': handler('Base'),
      'src/app.ts': "import { Base } from '@legacy/base';\nexport class App extends Base {}\n",
      'src/other.ts': 'export const other = 1;\n',
    });
  const tsconfigText = JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@legacy/*': ['src/legacy/*'] } } });
  const request = (root: string, tsconfig?: string) => ({ paths: [root], cwd: root, ignore: [], gitignore: true, shard: null, tsconfig, stdinPaths: null });

  test('tsconfig.json in the current directory is used by default: path aliases make a file a candidate', async () => {
    project = aliasProject();
    const without = await selectRewriteFiles(request(project.root));
    expect(without.candidates.map((file) => file.slice(project.root.length + 1))).toEqual(['src/legacy/base.ts']);
    project.write('tsconfig.json', tsconfigText);
    const withDefault = await selectRewriteFiles(request(project.root));
    expect(withDefault.tsconfig).toBe(join(project.root, 'tsconfig.json'));
    expect(withDefault.candidates.map((file) => file.slice(project.root.length + 1))).toEqual(['src/app.ts', 'src/legacy/base.ts']);
  });

  test('--tsconfig names another file; a missing one is exit 2', async () => {
    project = aliasProject();
    project.write('config/tsconfig.aliases.json', tsconfigText.replace('"baseUrl":"."', '"baseUrl":".."'));
    const chosen = await selectRewriteFiles(request(project.root, join(project.root, 'config/tsconfig.aliases.json')));
    expect(chosen.candidates.map((file) => file.slice(project.root.length + 1))).toEqual(['src/app.ts', 'src/legacy/base.ts']);
    const io = memoryIo({ cwd: project.root });
    expect(await runRewrite(['--tsconfig', 'missing.json', '--dry'], io, dependencies)).toBe(2);
    expect(io.errors()).toContain('--tsconfig');
    expect(io.errors()).toContain('missing.json: no such file');
  });
});
