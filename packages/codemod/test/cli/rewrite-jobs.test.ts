import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../../src/cli/io';
import { runRewrite } from '../../src/cli/rewrite';
import type { ShareRequest } from '../../src/rewrite/process-share';
import type { FileOutcome } from '../../src/rewrite/outcome';
import { stubEngine } from './support/stub-engine';
import { createTempProject, type TempProject } from './support/temp-project';

const repositoryRoot = join(__dirname, '..', '..', '..', '..');
const builtCli = join(repositoryRoot, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const generator = join(repositoryRoot, 'scripts', 'corpus', 'generate.mjs');

describe('--jobs: one thread or many, the same result', () => {
  // Each test runs the built CLI several times on a loaded 2-core machine.
  jest.setTimeout(180_000);
  let work: string;
  beforeAll(() => {
    // Workers run the built package (a worker thread cannot load TypeScript sources): `pnpm test` builds first.
    if (!existsSync(builtCli)) throw new Error(`${builtCli} is missing: run 'pnpm build' before these tests`);
    work = mkdtempSync(join(tmpdir(), 'asynchat-rewrite-jobs-'));
    // 160 files, half on the shim in every import form, with subclasses of other files' handlers.
    execFileSync(process.execPath, [generator, '--out', join(work, 'pristine'), '--files', '160', '--legacy-percent', '50', '--seed', '7']);
    // Plus a chain the generator does not make: a re-export module and a grandchild class across files.
    const extra = createTempProject({
      'src/chain/legacy.ts': "export { async_chat } from '@asynchat/shim';\n",
      'src/chain/base.ts': "import { async_chat } from './legacy';\nexport class Base extends async_chat {\n  found_terminator(): void {\n    this.push('base');\n  }\n}\n",
      'src/chain/child.ts': "import { Base } from './base';\nexport class Child extends Base {\n  override found_terminator(): void {\n    this.push('child');\n  }\n}\n",
    });
    cpSync(extra.root, join(work, 'pristine'), { recursive: true });
    extra.remove();
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const runBuilt = (directory: string, ...argv: string[]) =>
    spawnSync(process.execPath, [builtCli, 'rewrite', ...argv], { cwd: directory, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

  test('--json --dry reports the same files, statuses, rules and messages for --jobs 1, 2 and 3', () => {
    const reports = ['1', '2', '3'].map((jobs) => {
      const result = runBuilt(join(work, 'pristine'), '--json', '--dry', '--jobs', jobs);
      expect(result.status === 0 || result.status === 2).toBe(true);
      return JSON.parse(result.stdout) as { files: unknown[]; totals: Record<string, number> };
    });
    // Every legacy file is translated or marked (a subclass whose base took over may need no edit of its own).
    const decided = (reports[0]!.files as { rules: string[] }[]).filter((file) => file.rules.length > 0).length;
    expect(decided).toBeGreaterThanOrEqual(80);
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
  });

  test('the written trees are byte for byte the same for --jobs 1 and --jobs 2, and the diffs of --dry too', () => {
    const trees = ['1', '2'].map((jobs) => {
      const copy = join(work, `copy-${jobs}`);
      cpSync(join(work, 'pristine'), copy, { recursive: true });
      const dry = runBuilt(copy, '--dry', '--jobs', jobs);
      const written = runBuilt(copy, '--allow-dirty', '--jobs', jobs);
      expect(written.status).toBe(dry.status);
      return { dry: dry.stdout, copy };
    });
    expect(trees[1]!.dry).toBe(trees[0]!.dry);
    expect(trees[0]!.dry).toContain('+++ b/src/chain/child.ts');
    const difference = spawnSync('diff', ['-r', trees[0]!.copy, trees[1]!.copy], { encoding: 'utf8' });
    expect(difference.stdout).toBe('');
    expect(difference.status).toBe(0);
  });
});

describe('which runs start workers', () => {
  let project: TempProject;
  afterEach(() => project?.remove());
  const handler = (name: string) => `import { async_chat } from '@asynchat/shim';\nexport class ${name} extends async_chat {\n  found_terminator(): void {\n    this.push('${name}');\n  }\n}\n`;

  async function sharesFor(...argv: string[]): Promise<ShareRequest[][]> {
    const calls: ShareRequest[][] = [];
    const io = memoryIo({ cwd: project.root });
    const runWorkers = async (shares: ShareRequest[]): Promise<FileOutcome[]> => {
      calls.push(shares);
      return [];
    };
    await runRewrite([...argv, '--dry'], io, { engine: stubEngine, runWorkers });
    return calls;
  }

  test('--jobs 1 never starts workers; --jobs 2 deals whole import groups to two workers', async () => {
    project = createTempProject({
      'a/base.ts': handler('Base'),
      'a/child.ts': "import { Base } from './base';\nexport class Child extends Base {}\n",
      'b/one.ts': handler('One'),
      'c/two.ts': handler('Two'),
    });
    expect(await sharesFor('--jobs', '1')).toEqual([]);
    const [shares] = await sharesFor('--jobs', '2');
    expect(shares).toHaveLength(2);
    const groups = shares!.map((share) => share.groups.map((group) => group.map((file) => file.slice(project.root.length + 1))));
    // The chain base <- child stays together; the two loose files go to the other worker.
    expect(groups).toEqual([[['a/base.ts', 'a/child.ts']], [['b/one.ts'], ['c/two.ts']]]);
  });

  test('without --jobs, a small run stays on one thread', async () => {
    project = createTempProject({ 'a.ts': handler('A'), 'b.ts': handler('B') });
    expect(await sharesFor()).toEqual([]);
  });

  test('--shard analyses only the import groups that hold a file of the shard', async () => {
    project = createTempProject({ 'a.ts': handler('A'), 'b.ts': handler('B'), 'c.ts': handler('C'), 'd.ts': handler('D') });
    const io = memoryIo({ cwd: project.root });
    const analysed: string[][] = [];
    const engine = { ...stubEngine, analyseProject: (options: { files: string[] }) => (analysed.push(options.files), stubEngine.analyseProject(options)) };
    await runRewrite(['--shard', '1/2', '--json', '--dry'], io, { engine });
    const reported = (JSON.parse(io.output()) as { files: { file: string }[] }).files.map((entry) => join(project.root, entry.file));
    expect(analysed.flat().sort()).toEqual(reported.sort());
    expect(reported.length).toBeLessThan(4);
  });
});
