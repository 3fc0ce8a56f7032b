import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { escapeCommandData, escapeCommandProperty, formatGithub } from '../../src/report/github-format';
import { CHECK_RULE_IDS } from '../../src/report/rules';
import { summarize } from '../../src/report/summary';
import { FIXTURES, check, scratchRepository } from './support/run-check';

/**
 * The official SARIF 2.1.0 schema is written in JSON Schema draft-04 (`id`, not `$id`). Ajv's
 * default class speaks draft-07, which reads every keyword this schema uses the same way
 * (it has no boolean exclusiveMinimum/Maximum), once the draft-04 `$schema` and `id` are mapped.
 */
function sarifValidator(): ValidateFunction {
  const schemaPath = resolve(__dirname, '../../../../fixtures/sarif/sarif-schema-2.1.0.json');
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  return ajv.compile({ ...rest, $id: id as string });
}

describe('--format sarif', () => {
  const validate = sarifValidator();

  test('validates against the SARIF 2.1.0 schema, with $schema, rules, fingerprints and relative URIs', async () => {
    const run = await check(join(FIXTURES, 'chains'), ['--format', 'sarif']);
    expect(run.exitCode).toBe(1);
    const log = JSON.parse(run.stdout) as {
      $schema: string;
      version: string;
      runs: {
        tool: { driver: { name: string; rules: { id: string }[] } };
        originalUriBaseIds: Record<string, { uri: string }>;
        results: { ruleId: string; partialFingerprints: Record<string, string>; locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: { startLine: number } } }[] }[];
      }[];
    };
    const valid = validate(log);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(log.$schema).toMatch(/sarif-2\.1\.0/);
    expect(log.version).toBe('2.1.0');
    const [sarifRun] = log.runs;
    expect(sarifRun?.tool.driver.rules.map((rule) => rule.id)).toEqual([...CHECK_RULE_IDS]);
    expect(sarifRun?.originalUriBaseIds['%SRCROOT%']?.uri).toMatch(/^file:\/\/.*\/fixtures\/check\/chains\/$/);
    expect(sarifRun?.results).toHaveLength(10);
    const leaf = sarifRun?.results.find((result) => result.locations[0]?.physicalLocation.artifactLocation.uri === 'leaf.ts');
    expect(leaf?.ruleId).toBe('legacy-subclass');
    expect(leaf?.locations[0]?.physicalLocation.artifactLocation.uriBaseId).toBe('%SRCROOT%');
    expect(leaf?.locations[0]?.physicalLocation.region.startLine).toBe(3);
    expect(leaf?.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:1$/);
    const fingerprints = sarifRun?.results.map((result) => result.partialFingerprints.primaryLocationLineHash);
    expect(new Set(fingerprints).size).toBe(fingerprints?.length);
  });

  test('the validator rejects what GitHub rejects (a version other than 2.1.0)', async () => {
    const run = await check(join(FIXTURES, 'markers'), ['--format', 'sarif']);
    const log = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(validate(log)).toBe(true);
    expect(validate({ ...log, version: '0.51.1' })).toBe(false);
  });

  test('a clean run is a valid SARIF log with no results', async () => {
    const run = await check(join(FIXTURES, 'clean'), ['--format', 'sarif']);
    expect(run.exitCode).toBe(0);
    const log = JSON.parse(run.stdout) as { runs: { results: unknown[] }[] };
    expect(validate(log)).toBe(true);
    expect(log.runs[0]?.results).toEqual([]);
  });

  test('fingerprints survive the code moving down the file', async () => {
    const before = JSON.parse((await check(join(FIXTURES, 'broken'), ['--format', 'sarif'])).stdout) as { runs: { results: { partialFingerprints: { primaryLocationLineHash: string }; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
    const good = before.runs[0]?.results.filter((result) => result.locations[0]?.physicalLocation.artifactLocation.uri === 'good.ts');
    expect(good?.map((result) => result.partialFingerprints.primaryLocationLineHash)).toHaveLength(2);
  });
});

describe('--format sarif with a baseline', () => {
  test('all findings are present, marked new or unchanged, and the log still validates', async () => {
    const validate = sarifValidator();
    const repository = scratchRepository('chains');
    try {
      await check(repository.root, ['--baseline', 'b.tsv', '--update-baseline']);
      writeFileSync(join(repository.root, 'fresh.ts'), "import { dispatcher } from '@asynchat/shim';\nexport class Fresh extends dispatcher {}\n");
      const run = await check(repository.root, ['--baseline', 'b.tsv', '--format', 'sarif']);
      expect(run.exitCode).toBe(1);
      const log = JSON.parse(run.stdout) as { runs: { results: { baselineState: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[] };
      expect(validate(log)).toBe(true);
      const states = log.runs[0]?.results.map((result) => `${result.locations[0]?.physicalLocation.artifactLocation.uri} ${result.baselineState}`);
      expect(states?.filter((state) => state.endsWith(' new'))).toEqual(['fresh.ts new', 'fresh.ts new']);
      expect(states?.filter((state) => state.endsWith(' unchanged'))).toHaveLength(10);
    } finally {
      repository.dispose();
    }
  });
});

describe('--format github', () => {
  test('one ::error command per finding with file, line, col and title', async () => {
    const run = await check(join(FIXTURES, 'chains'), ['--format', 'github']);
    const lines = run.stdout.trim().split('\n');
    expect(lines.filter((line) => line.startsWith('::error '))).toHaveLength(10);
    expect(lines).toContain(
      '::error file=leaf.ts,line=3,col=14,title=asynchat-migrate legacy-subclass::class CommandHandler descends from async_chat through LineHandler -> Handler (LineHandler in middle.ts); migrate with `asynchat-migrate rewrite leaf.ts`',
    );
    expect(lines[lines.length - 1]).toMatch(/^::notice title=asynchat-migrate check::10 finding/);
  });

  test("escapes data and properties per GitHub's rules", () => {
    expect(escapeCommandData('100% done\r\nnext')).toBe('100%25 done%0D%0Anext');
    expect(escapeCommandProperty('src/a,b:c.ts')).toBe('src/a%2Cb%3Ac.ts');
    const text = formatGithub([{ file: 'dir,x/a:b.ts', line: 2, column: 3, rule: 'legacy-import', message: 'line one\nline two 50%' }], summarize([], 1, 1));
    expect(text.split('\n')[0]).toBe('::error file=dir%2Cx/a%3Ab.ts,line=2,col=3,title=asynchat-migrate legacy-import::line one%0Aline two 50%25');
  });
});

describe('--format text and json', () => {
  test('text: path:line:col  rule  message, then totals by rule and by directory', async () => {
    const run = await check(join(FIXTURES, 'reexports'), []);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^barrel\/index\.ts:1:1 {2}legacy-import {2}re-exports /);
    expect(run.stdout).toContain('13 findings in 8 files (10 files checked, ');
    expect(run.stdout).toMatch(/by rule:\n {2}legacy-import {4}8\n {2}legacy-loop {6}1\n {2}legacy-subclass {2}4\n/);
    expect(run.stdout).toMatch(/by directory:\n {2}\. {7}12\n {2}barrel {2}1\n/);
  });

  test('json: { findings: [{ file, line, column, rule, message }], summary }', async () => {
    const run = await check(join(FIXTURES, 'markers'), ['--format', 'json']);
    const report = JSON.parse(run.stdout) as { findings: Record<string, unknown>[]; summary: Record<string, unknown> };
    expect(Object.keys(report)).toEqual(['findings', 'summary']);
    expect(Object.keys(report.findings[0] ?? {})).toEqual(['file', 'line', 'column', 'rule', 'message']);
    expect(report.summary).toMatchObject({ total: 1, files: 1, byRule: { 'manual-marker': 1 }, byDirectory: { '.': 1 }, filesChecked: 2 });
  });

  test('paths are relative to the cwd with forward slashes when checking a subdirectory', async () => {
    const run = await check(FIXTURES, ['reexports/barrel', '--format', 'json']);
    const report = JSON.parse(run.stdout) as { findings: { file: string }[] };
    expect(report.findings.map((finding) => finding.file)).toEqual(['reexports/barrel/index.ts']);
  });
});
