import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { main } from '../../src/cli/main';
import { memoryIo } from '../../src/cli/io';
import { FIXTURES, check, scratchRepository } from './support/run-check';

describe('check exit codes (runCheck)', () => {
  test('0 clean, 1 findings', async () => {
    expect((await check(join(FIXTURES, 'clean'), [])).exitCode).toBe(0);
    expect((await check(join(FIXTURES, 'chains'), [])).exitCode).toBe(1);
  });

  test.each([
    [['--frobnicate'], "unknown option '--frobnicate'"],
    [['--fromat', 'json'], "unknown option '--fromat' (did you mean '--format'?)"],
    [['--format'], "option '--format' needs a value"],
    [['--format', 'xml'], '--format must be one of text, json, sarif, github'],
    [['--shard', '3/2'], '--shard 3/2: i must be between 1 and n'],
    [['--shard', 'half'], '--shard expects i/n'],
    [['--update-baseline'], '--update-baseline needs --baseline <file>'],
    [['--strict-baseline'], '--strict-baseline needs --baseline <file>'],
    [['no-such-dir'], 'no such file or directory: no-such-dir'],
    [['--tsconfig', 'missing.json'], '--tsconfig missing.json: no such file'],
    [['--stdin', 'src'], '--stdin reads the paths from standard input'],
  ])('2 on a usage error: %j', async (argv, message) => {
    const run = await check(join(FIXTURES, 'clean'), argv);
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stdout).toBe('');
  });

  test('2 on a malformed baseline, naming the line', async () => {
    const repository = scratchRepository('clean');
    try {
      writeFileSync(join(repository.root, 'baseline.tsv'), 'a.ts\tlegacy-import\n');
      const run = await check(repository.root, ['--baseline', 'baseline.tsv']);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('baseline.tsv:1: expected');
    } finally {
      repository.dispose();
    }
  });

  test('2 on a tsconfig that does not parse', async () => {
    const repository = scratchRepository('chains');
    try {
      writeFileSync(join(repository.root, 'tsconfig.json'), '{ "compilerOptions": { "paths": ');
      const run = await check(repository.root, []);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('cannot use tsconfig');
    } finally {
      repository.dispose();
    }
  });

  test('--help exits 0; --output writes the report to a file', async () => {
    const help = await check(FIXTURES, ['--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('--baseline <file>');
    const repository = scratchRepository('markers');
    try {
      const run = await check(repository.root, ['--format', 'sarif', '--output', 'out.sarif']);
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      expect(existsSync(join(repository.root, 'out.sarif'))).toBe(true);
    } finally {
      repository.dispose();
    }
  });

  test('main: unknown command and no command exit 2, --version prints the package version', async () => {
    const io = memoryIo({ cwd: FIXTURES });
    expect(await main(['frobnicate'], io)).toBe(2);
    expect(await main([], memoryIo({ cwd: FIXTURES }))).toBe(2);
    const versionIo = memoryIo({ cwd: FIXTURES });
    expect(await main(['--version'], versionIo)).toBe(0);
    expect(versionIo.output()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });
});

const BINARY = resolve(__dirname, '../../dist/cli/main.js');
// `pnpm test` builds first, so CI always runs this; a bare `jest` without a build skips it.
const describeBuilt = existsSync(BINARY) ? describe : describe.skip;

describeBuilt('the built asynchat-migrate binary', () => {
  const run = (cwd: string, argv: string[]): { status: number | null; stdout: string; stderr: string } => {
    const result = spawnSync(process.execPath, [BINARY, ...argv], { cwd, encoding: 'utf8' });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  test('exit codes 0, 1 and 2 through the real process', () => {
    expect(run(join(FIXTURES, 'clean'), ['check']).status).toBe(0);
    const findings = run(join(FIXTURES, 'chains'), ['check', '--format', 'json']);
    expect(findings.status).toBe(1);
    expect((JSON.parse(findings.stdout) as { findings: unknown[] }).findings).toHaveLength(10);
    const usage = run(FIXTURES, ['check', '--nope']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toContain("unknown option '--nope'");
  });

  test('the compile cache is written on the first run and used by the next, with the same output', () => {
    const repository = scratchRepository();
    try {
      const env = { ...process.env, ASYNCHAT_MIGRATE_CACHE_DIR: join(repository.root, 'cache') };
      const first = spawnSync(process.execPath, [BINARY, 'check', '--format', 'json'], { cwd: join(FIXTURES, 'chains'), env, encoding: 'utf8' });
      expect(first.status).toBe(1);
      // Node 20: one .bin per cached bundle; Node >= 22: module.enableCompileCache's own layout.
      expect(readdirSync(join(repository.root, 'cache')).length).toBeGreaterThan(0);
      const second = spawnSync(process.execPath, [BINARY, 'check', '--format', 'json'], { cwd: join(FIXTURES, 'chains'), env, encoding: 'utf8' });
      expect(second.status).toBe(1);
      expect(second.stdout).toBe(first.stdout);
    } finally {
      repository.dispose();
    }
  });

  test('--stdin through a pipe', () => {
    const result = spawnSync(process.execPath, [BINARY, 'check', '--stdin', '--format', 'json'], { cwd: join(FIXTURES, 'chains'), input: 'leaf.ts\ndeleted.ts\n', encoding: 'utf8' });
    expect(result.status).toBe(1);
    expect((JSON.parse(result.stdout) as { findings: { file: string }[] }).findings.map((finding) => finding.file)).toEqual(['leaf.ts']);
  });
});
