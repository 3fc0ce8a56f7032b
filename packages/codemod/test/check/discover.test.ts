import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import fc from 'fast-check';
import { discoverFiles, MissingPathError } from '../../src/discover/discover';
import { inShard } from '../../src/discover/shard';
import { check, scratchRepository } from './support/run-check';

function writeTree(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

describe('discoverFiles', () => {
  const repository = scratchRepository();
  const { root } = repository;
  beforeAll(() => {
    writeTree(root, {
      '.gitignore': '*.gen.ts\n!keep.gen.ts\nbuild/\n',
      'src/a.ts': '',
      'src/b.tsx': '',
      'src/c.mts': '',
      'src/d.cts': '',
      'src/e.js': '',
      'src/f.jsx': '',
      'src/g.mjs': '',
      'src/h.cjs': '',
      'src/types.d.ts': '',
      'src/readme.md': '',
      'src/x.gen.ts': '',
      'src/keep.gen.ts': '',
      'src/nested/.gitignore': 'local-only.ts\n!x.gen.ts\n',
      'src/nested/local-only.ts': '',
      'src/nested/x.gen.ts': '',
      'src/nested/kept.ts': '',
      'build/out.ts': '',
      'node_modules/pkg/index.ts': '',
      'dist/index.js': '',
      'vendor/lib.ts': '',
    });
  });
  afterAll(() => repository.dispose());
  const names = (files: string[]): string[] => files.map((file) => relative(root, file));

  test('walks every source extension, skips .d.ts, node_modules, dist, and honours nested .gitignore files with negations', () => {
    const { files } = discoverFiles({ cwd: root });
    expect(names(files)).toEqual([
      'src/a.ts',
      'src/b.tsx',
      'src/c.mts',
      'src/d.cts',
      'src/e.js',
      'src/f.jsx',
      'src/g.mjs',
      'src/h.cjs',
      'src/keep.gen.ts',
      'src/nested/kept.ts',
      'src/nested/x.gen.ts',
      'vendor/lib.ts',
    ]);
  });

  test('--ignore patterns (gitignore syntax, relative to the cwd) and --no-gitignore', () => {
    expect(names(discoverFiles({ cwd: root, paths: ['src/nested', 'vendor'], ignore: ['vendor/', '**/kept.ts'] }).files)).toEqual(['src/nested/x.gen.ts']);
    const all = names(discoverFiles({ cwd: root, paths: ['src'], gitignore: false }).files);
    expect(all).toContain('src/x.gen.ts');
    expect(all).toContain('src/nested/local-only.ts');
  });

  test('stdin paths: missing ones are skipped quietly; command-line paths that do not exist are an error', () => {
    const discovery = discoverFiles({ cwd: join(root, 'src'), stdinPaths: ['a.ts', 'deleted.ts', '', 'nested/kept.ts', 'readme.md', 'x.gen.ts'] });
    expect(names(discovery.files)).toEqual(['src/a.ts', 'src/nested/kept.ts']);
    expect(names(discovery.missing)).toEqual(['src/deleted.ts']);
    expect(() => discoverFiles({ cwd: root, paths: ['nope'] })).toThrow(MissingPathError);
  });

  test('shards partition the files: each file in exactly one shard, the same one every run', () => {
    const all = discoverFiles({ cwd: root }).files;
    const shards = [1, 2, 3].map((index) => discoverFiles({ cwd: root, shard: { index, count: 3 } }).files);
    expect(shards.flat().sort()).toEqual(all);
    expect(new Set(shards.flat()).size).toBe(all.length);
    expect(discoverFiles({ cwd: root, shard: { index: 2, count: 3 } }).files).toEqual(shards[1]);
    // Shards hash paths relative to the repository root, so running from a subdirectory changes nothing.
    expect(discoverFiles({ cwd: join(root, 'src'), paths: ['..'], shard: { index: 2, count: 3 } }).files).toEqual(shards[1]);
  });

  test('property: for any paths and shard count, every path is in exactly one shard', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 40 }), { maxLength: 50 }), fc.integer({ min: 1, max: 12 }), (paths, count) => {
        for (const path of paths) {
          const owners = Array.from({ length: count }, (_, index) => inShard(path, { index: index + 1, count })).filter(Boolean);
          if (owners.length !== 1) return false;
        }
        return true;
      }),
    );
  });
});

describe('check file selection', () => {
  test('--stdin checks the listed files only (as from git diff --name-only), skipping deleted ones', async () => {
    const repository = scratchRepository('chains');
    try {
      const run = await check(repository.root, ['--stdin', '--format', 'json'], 'leaf.ts\ngone.ts\nplain.ts\n');
      const report = JSON.parse(run.stdout) as { findings: { file: string }[]; summary: { filesChecked: number } };
      expect(report.findings.map((finding) => finding.file)).toEqual(['leaf.ts']);
      expect(report.summary.filesChecked).toBe(2);
      expect(run.exitCode).toBe(1);
    } finally {
      repository.dispose();
    }
  });

  test('--shard splits findings across runs without losing or repeating any', async () => {
    const repository = scratchRepository('chains');
    try {
      const files = async (argv: string[]): Promise<string[]> => {
        const run = await check(repository.root, [...argv, '--format', 'json']);
        return (JSON.parse(run.stdout) as { findings: { file: string; line: number; rule: string }[] }).findings.map((finding) => `${finding.file}:${finding.line}:${finding.rule}`);
      };
      const all = await files([]);
      const parts = [await files(['--shard', '1/2']), await files(['--shard', '2/2'])];
      expect([...parts[0]!, ...parts[1]!].sort()).toEqual([...all].sort());
    } finally {
      repository.dispose();
    }
  });

  test('--ignore and .gitignore apply to check', async () => {
    const repository = scratchRepository('chains');
    try {
      writeFileSync(join(repository.root, '.gitignore'), 'base.cjs\nchild.cjs\n');
      const run = await check(repository.root, ['--ignore', 'grandchild.js', '--ignore', 'default-*.ts', '--format', 'json']);
      const report = JSON.parse(run.stdout) as { findings: { file: string }[] };
      expect([...new Set(report.findings.map((finding) => finding.file))]).toEqual(['base.ts', 'leaf.ts', 'middle.ts']);
    } finally {
      repository.dispose();
    }
  });
});
