/**
 * Every fixture case: the rewrite gives exactly the committed output (or leaves the input
 * byte-identical), the status and rules are the expected ones, and rewriting the output again
 * changes nothing (idempotency, markers included).
 */
import { readFileSync } from 'node:fs';
import { analyseProject } from '../../src/analyse';
import { rewriteProject, type FileRewrite } from '../../src/rewrite/engine';
import { loadFixtureCases, type FixtureCase } from './fixture-cases';

const cases = loadFixtureCases();

/** Rewrites the case's files as one project; `texts` overrides what is on disk (for the second pass). */
function rewriteCase(fixture: FixtureCase, texts?: Map<string, string>): Map<string, FileRewrite> {
  const files = fixture.files.map((file) => file.inputPath);
  const analysis = analyseProject({
    files,
    readText: (path) => {
      if (texts?.has(path)) return texts.get(path)!;
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return null;
      }
    },
  });
  return new Map(rewriteProject(analysis).map((result) => [result.file, result]));
}

describe.each(cases.map((fixture) => [fixture.name, fixture] as const))('fixture %s', (_name, fixture) => {
  const results = rewriteCase(fixture);

  it.each(fixture.files.map((file) => [file.name, file] as const))('%s: output as committed', (_file, file) => {
    const before = readFileSync(file.inputPath, 'utf8');
    const expected = file.outputPath === null ? before : readFileSync(file.outputPath, 'utf8');
    const result = results.get(file.inputPath);
    const after = result?.after ?? before;
    expect(result?.status === 'error' ? result.message : 'no error').toBe('no error');
    expect(after).toBe(expected);
  });

  it('says in expected.json the status and rule ids of every input file', () => {
    expect(Object.keys(fixture.expected ?? {}).sort()).toEqual(fixture.files.map((file) => file.name).sort());
  });

  if (fixture.expected !== null) {
    it.each(Object.entries(fixture.expected))('%s: status and rules', (name, expected) => {
      const file = fixture.files.find((candidate) => candidate.name === name);
      expect(file).toBeDefined();
      const result = results.get(file!.inputPath);
      expect(result?.status ?? 'unchanged').toBe(expected.status);
      if (expected.rules !== undefined) expect(result?.rules ?? []).toEqual(expected.rules);
    });
  }

  it('is idempotent: rewriting the output changes nothing', () => {
    const outputs = new Map(
      fixture.files.map((file) => [file.inputPath, readFileSync(file.outputPath ?? file.inputPath, 'utf8')] as const),
    );
    const second = rewriteCase(fixture, outputs);
    for (const [path, text] of outputs) {
      const result = second.get(path);
      expect(result?.after ?? text).toBe(text);
      expect(result?.status ?? 'unchanged').not.toBe('changed');
      expect(result?.status ?? 'unchanged').not.toBe('error');
    }
  });
});
