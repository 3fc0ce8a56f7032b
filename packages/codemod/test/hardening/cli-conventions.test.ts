/**
 * Issue 10: the command-line conventions of ESLint, Prettier and ast-grep, for both commands.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkIn, MIGRATABLE_HANDLER, rewriteIn, scratchDirectory, sourceCliCommandLine } from './support/hardening-project';

let directory: { root: string; dispose(): void };
beforeEach(() => {
  directory = scratchDirectory('conventions');
  for (const file of ['src/net/echo.ts', 'src/net/deep/other.ts', 'src/plain.ts']) {
    mkdirSync(join(directory.root, file, '..'), { recursive: true });
    writeFileSync(join(directory.root, file), file.endsWith('plain.ts') ? 'export const plain = 1;\n' : MIGRATABLE_HANDLER);
  }
  mkdirSync(join(directory.root, 'docs'));
  writeFileSync(join(directory.root, 'docs', 'notes.md'), '# notes\n');
});
afterEach(() => directory.dispose());

const bothCommands = [
  ['check', checkIn],
  ['rewrite', rewriteIn],
] as const;

describe.each(bothCommands)('%s', (command, run) => {
  test.each([
    [['--nope'], "unknown option '--nope'"],
    [['--quite'], "unknown option '--quite' (did you mean '--quiet'?)"],
    [['-x'], "unknown option '-x'"],
    [['--ignore'], "option '--ignore' needs a value"],
    [['--shard', '--quiet'], "option '--shard' needs a value, got the option '--quiet' (write --shard=--quiet if that is the value)"],
    [['--stdin=yes'], "option '--stdin' takes no value, got 'yes'"],
  ])('usage error %j: a clean message, exit 2', async (argv, message) => {
    const result = await run(directory.root, argv);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`asynchat-migrate ${command}: ${message}\n`);
    // Node's own parseArgs text (with its unbalanced quoting) never shows through.
    expect(result.stderr).not.toContain('To specify');
    expect((result.stderr.split('\n')[0]!.match(/'/g) ?? []).length % 2).toBe(0);
  });

  test('--version and -v print the version', async () => {
    for (const flag of ['--version', '-v']) {
      const result = await run(directory.root, [flag]);
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
    }
  });

  test('a glob is a path: only the files it matches', async () => {
    const result = await run(directory.root, command === 'check' ? ['src/net/*.ts', '--format', 'json'] : ['src/net/*.ts', '--dry', '--json']);
    const files = command === 'check' ? (JSON.parse(result.stdout) as { findings: { file: string }[] }).findings.map((finding) => finding.file) : (JSON.parse(result.stdout) as { files: { file: string }[] }).files.map((entry) => entry.file);
    expect([...new Set(files)]).toEqual(['src/net/echo.ts']);
    const recursive = await run(directory.root, command === 'check' ? ['src/**/*.ts', '--json'] : ['src/**/*.ts', '--dry', '--json']);
    expect(recursive.stdout).toContain('src/net/deep/other.ts');
  });

  test.each([['docs'], ['lib/**/*.ts'], ['src/*.mjs']])('a path or glob matching no source file (%s) is exit 2, unless --no-error-on-unmatched-pattern', async (pattern) => {
    const dry = command === 'rewrite' ? ['--dry'] : [];
    const result = await run(directory.root, [pattern, ...dry]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`no source files match '${pattern}'`);
    const allowed = await run(directory.root, [pattern, '--no-error-on-unmatched-pattern', ...dry]);
    expect(allowed.exitCode).toBe(0);
  });

  test('--stdin with no paths on stdin is exit 0', async () => {
    const result = await run(directory.root, ['--stdin', ...(command === 'rewrite' ? ['--dry'] : [])], { stdin: '' });
    expect(result.stderr).not.toContain('no source files match');
    expect(result.exitCode).toBe(0);
  });

  test('--quiet prints the problems only', async () => {
    const loud = await run(directory.root, ['src', ...(command === 'rewrite' ? ['--check'] : [])]);
    const quiet = await run(directory.root, ['src', '--quiet', ...(command === 'rewrite' ? ['--check'] : [])]);
    expect(quiet.exitCode).toBe(loud.exitCode);
    expect(loud.stdout).toMatch(/findings? in|would change/);
    expect(quiet.stdout).not.toMatch(/findings? in|would change|by rule/);
    if (command === 'check') expect(quiet.stdout).toContain('src/net/echo.ts:3:1  legacy-import');
  });
});

test('check --json is --format json; with another --format it is a usage error', async () => {
  const alias = await checkIn(directory.root, ['src', '--json']);
  const long = await checkIn(directory.root, ['src', '--format', 'json']);
  expect(alias.exitCode).toBe(1);
  expect(alias.stdout).toBe(long.stdout);
  const clash = await checkIn(directory.root, ['src', '--json', '--format', 'sarif']);
  expect(clash.exitCode).toBe(2);
  expect(clash.stderr).toContain('--json means --format json');
});

describe('colours: NO_COLOR and FORCE_COLOR, every command, on a real terminal', () => {
  const hasScript = spawnSync('script', ['--version']).status === 0;
  const SGR = /\x1b\[[0-9;]*m/; // eslint-disable-line no-control-regex

  /** Runs the CLI on a pseudo-terminal (util-linux `script`) and returns what the terminal showed. */
  const onTerminal = (argv: string[], env: Record<string, string | undefined>): string => {
    const environment: Record<string, string | undefined> = { ...process.env, TERM: 'xterm', ...env };
    for (const [key, value] of Object.entries(environment)) if (value === undefined) delete environment[key];
    const result = spawnSync('script', ['-qec', sourceCliCommandLine(argv), '/dev/null'], { cwd: directory.root, encoding: 'utf8', env: environment as NodeJS.ProcessEnv });
    return result.stdout;
  };

  test.each([
    ['check', ['check', 'src']],
    ['rewrite', ['rewrite', '--check', 'src']],
  ])('%s: colour on a terminal, none with NO_COLOR=1, colour again with FORCE_COLOR=1 into a pipe', async (_name, argv) => {
    if (!hasScript) {
      console.log('skipped: no util-linux `script` to provide a pseudo-terminal');
      return;
    }
    expect(onTerminal(argv, { NO_COLOR: undefined, FORCE_COLOR: undefined })).toMatch(SGR);
    const plain = onTerminal(argv, { NO_COLOR: '1', FORCE_COLOR: undefined });
    expect(plain).toContain('src/net/echo.ts');
    expect(plain).not.toMatch(SGR);
    const forced = spawnSync(process.execPath, [join(__dirname, 'support', 'source-cli.cjs'), ...argv], { cwd: directory.root, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '1', NO_COLOR: '1' } });
    expect(forced.stdout).toMatch(SGR);
  });
});
