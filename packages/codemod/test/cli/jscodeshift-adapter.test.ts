import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join } from 'node:path';
import transform from '../../src/jscodeshift';

const repositoryRoot = join(__dirname, '..', '..', '..', '..');
const fixtures = join(repositoryRoot, 'fixtures', 'codemod');
const builtAdapter = join(repositoryRoot, 'packages', 'codemod', 'dist', 'jscodeshift.js');
const builtCli = join(repositoryRoot, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const jscodeshiftBinary = join(repositoryRoot, 'node_modules', '.bin', 'jscodeshift');
const EXTENSIONS = 'ts,tsx,mts,cts,js,jsx,mjs,cjs';

/** The fixture cases made of one input file: what a per-file transform can be asked to do. */
function singleFileCases(): { name: string; input: string }[] {
  return readdirSync(fixtures)
    .filter((name) => statSync(join(fixtures, name)).isDirectory())
    .flatMap((name) => {
      const input = readdirSync(join(fixtures, name)).find((file) => /^input\.[cm]?[jt]sx?$/.test(file));
      return input ? [{ name, input: join(fixtures, name, input) }] : [];
    });
}

function treeText(directory: string): Record<string, string> {
  const result: Record<string, string> = {};
  for (const file of readdirSync(directory).sort()) result[file] = readFileSync(join(directory, file), 'utf8');
  return result;
}

const runJscodeshift = (directory: string, ...flags: string[]) =>
  spawnSync(jscodeshiftBinary, ['-t', builtAdapter, '--parser=tsx', `--extensions=${EXTENSIONS}`, ...flags, directory], { encoding: 'utf8' });

describe('the real jscodeshift running @asynchat/codemod/jscodeshift', () => {
  jest.setTimeout(180_000);
  let work: string;
  beforeAll(() => {
    for (const path of [builtAdapter, builtCli, jscodeshiftBinary]) {
      if (!existsSync(path)) throw new Error(`${path} is missing: run 'pnpm install' and 'pnpm build' before these tests`);
    }
    work = mkdtempSync(join(tmpdir(), 'asynchat-jscodeshift-'));
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('gives the same output as asynchat-migrate rewrite on every single-file fixture', () => {
    const cases = singleFileCases();
    expect(cases.length).toBeGreaterThanOrEqual(15);
    const viaJscodeshift = join(work, 'jscodeshift');
    const viaCli = join(work, 'cli');
    for (const directory of [viaJscodeshift, viaCli]) {
      mkdirSync(directory);
      // One flat directory, one file per case, named after it: the cases share no imports.
      for (const { name, input } of cases) cpSync(input, join(directory, `${name}${extname(input)}`));
    }
    const original = treeText(viaCli);

    const jscodeshift = runJscodeshift(viaJscodeshift, '--fail-on-error');
    expect(jscodeshift.stderr + jscodeshift.stdout).not.toMatch(/ ERR /);
    expect(jscodeshift.status).toBe(0);
    const cli = spawnSync(process.execPath, [builtCli, 'rewrite', '--allow-dirty', '--jobs', '1', viaCli], { encoding: 'utf8' });
    expect(cli.status).toBe(0);

    const fromJscodeshift = treeText(viaJscodeshift);
    const fromCli = treeText(viaCli);
    expect(fromJscodeshift).toEqual(fromCli);
    // And the run did something: most cases change (translations or markers).
    const changed = Object.keys(original).filter((file) => fromCli[file] !== original[file]);
    expect(changed.length).toBeGreaterThanOrEqual(10);
    expect(jscodeshift.stdout).toMatch(new RegExp(`${changed.length} ok`));
  });

  test('a file that does not parse is a jscodeshift error (exit 1 with --fail-on-error) and stays as it was', () => {
    const directory = join(work, 'broken');
    mkdirSync(directory);
    cpSync(join(fixtures, 'seed-line-handler', 'input.ts'), join(directory, 'good.ts'));
    const brokenText = "import { async_chat } from '@asynchat/shim';\nexport class Broken extends async_chat {\n  found_terminator( {\n}\n";
    writeFileSync(join(directory, 'broken.ts'), brokenText);
    const result = runJscodeshift(directory, '--fail-on-error');
    expect(result.status).toBe(1);
    expect(result.stdout + result.stderr).toMatch(/ERR .*broken\.ts/);
    expect(readFileSync(join(directory, 'broken.ts'), 'utf8')).toBe(brokenText);
    expect(readFileSync(join(directory, 'good.ts'), 'utf8')).not.toBe(readFileSync(join(fixtures, 'seed-line-handler', 'input.ts'), 'utf8'));
  });

  test('what it cannot see: a subclass whose base class is in another file, and the subclasses of a base class', () => {
    const viaJscodeshift = join(work, 'chain-jscodeshift');
    const viaCli = join(work, 'chain-cli');
    cpSync(join(fixtures, 'subclass-chain', 'input'), viaJscodeshift, { recursive: true });
    cpSync(join(fixtures, 'subclass-chain', 'input'), viaCli, { recursive: true });
    const original = treeText(viaCli);
    const childFile = Object.keys(original).find((file) => !original[file]!.includes('@asynchat/shim'));
    expect(childFile).toBeDefined();
    expect(runJscodeshift(viaJscodeshift).status).toBe(0);
    expect(treeText(viaJscodeshift)[childFile!]).toBe(original[childFile!]);
    // The CLI sees the project: the child is migrated or marked (the subclass-chain rule), not skipped.
    const cli = spawnSync(process.execPath, [builtCli, 'rewrite', '--json', '--dry', viaCli], { encoding: 'utf8', cwd: viaCli });
    const child = (JSON.parse(cli.stdout) as { files: { file: string; status: string }[] }).files.find((entry) => entry.file === childFile);
    expect(['changed', 'manual']).toContain(child?.status);
    // The base class, seen alone, has no subclass: the adapter's output for it is not the CLI's.
    const baseFile = Object.keys(original).find((file) => file !== childFile)!;
    expect(spawnSync(process.execPath, [builtCli, 'rewrite', '--allow-dirty', viaCli]).status).toBe(0);
    expect(treeText(viaJscodeshift)[baseFile]).not.toBe(treeText(viaCli)[baseFile]);
  });
});

describe('the transform function itself', () => {
  const source = readFileSync(join(fixtures, 'seed-line-handler', 'input.ts'), 'utf8');

  test('returns the rewritten text, undefined when there is nothing to do, and reports manual work', () => {
    const output = transform({ path: 'src/line.ts', source });
    expect(typeof output).toBe('string');
    expect(output).toContain('@asynchat/streams');
    expect(transform({ path: 'src/plain.ts', source: 'export const answer = 42;\n' })).toBeUndefined();
    // Idempotent: its own output is left alone.
    expect(transform({ path: 'src/line.ts', source: output as string })).toBeUndefined();
    const reports: string[] = [];
    const marked = readFileSync(join(fixtures, 'marker-manual-override', 'input.ts'), 'utf8');
    transform({ path: 'src/override.ts', source: marked }, { report: (message) => reports.push(message) });
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^src\/override\.ts: manual work needed: /);
  });

  test('throws with the file name and the parse error when the file does not parse', () => {
    expect(() => transform({ path: 'src/broken.ts', source: "import { async_chat } from '@asynchat/shim';\nclass X extends async_chat {\n" })).toThrow(/^src\/broken\.ts: .*parse error/);
  });
});
