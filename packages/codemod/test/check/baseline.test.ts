import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BASELINE_HEADER, compareWithBaseline, formatBaseline, parseBaseline, updateBaseline, type BaselineEntry } from '../../src/report/baseline';
import { check, scratchRepository } from './support/run-check';

function entries(...lines: [string, string, number][]): Map<string, BaselineEntry> {
  return new Map(lines.map(([file, rule, count]) => [`${file}\t${rule}`, { file, rule, count }]));
}

describe('baseline file', () => {
  test('format: header, then one sorted tab-separated line per file and rule; zero counts dropped', () => {
    const text = formatBaseline([
      { file: 'src/b.ts', rule: 'legacy-import', count: 1 },
      { file: 'src/a.ts', rule: 'legacy-subclass', count: 2 },
      { file: 'src/a.ts', rule: 'legacy-import', count: 3 },
      { file: 'src/c.ts', rule: 'legacy-loop', count: 0 },
    ]);
    expect(text).toBe(`${BASELINE_HEADER}\nsrc/a.ts\tlegacy-import\t3\nsrc/a.ts\tlegacy-subclass\t2\nsrc/b.ts\tlegacy-import\t1\n`);
    expect([...parseBaseline(text, 'b.tsv').values()]).toEqual([
      { file: 'src/a.ts', rule: 'legacy-import', count: 3 },
      { file: 'src/a.ts', rule: 'legacy-subclass', count: 2 },
      { file: 'src/b.ts', rule: 'legacy-import', count: 1 },
    ]);
  });

  test('a malformed line is an error naming the file and line', () => {
    expect(() => parseBaseline('# header\nsrc/a.ts legacy-import 2\n', 'check.baseline')).toThrow("check.baseline:2: expected '<file>\\t<rule>\\t<count>'");
    expect(() => parseBaseline('src/a.ts\tlegacy-import\ttwo\n', 'check.baseline')).toThrow('check.baseline:1: count must be a whole number');
  });

  test('rises and new files fail; falls are reported; other files are out of scope', () => {
    const baseline = entries(['a.ts', 'legacy-import', 2], ['b.ts', 'legacy-subclass', 3], ['other-shard.ts', 'legacy-import', 1], ['deleted.ts', 'legacy-loop', 1]);
    const current = entries(['a.ts', 'legacy-import', 3], ['b.ts', 'legacy-subclass', 1], ['new.ts', 'legacy-import', 1]);
    const scope = { checkedFiles: new Set(['a.ts', 'b.ts', 'new.ts']), fileExists: (file: string) => file !== 'deleted.ts' };
    const comparison = compareWithBaseline(current, baseline, scope);
    expect(comparison.exceeded).toEqual([
      { file: 'a.ts', rule: 'legacy-import', baseline: 2, current: 3 },
      { file: 'new.ts', rule: 'legacy-import', baseline: 0, current: 1 },
    ]);
    expect(comparison.fallen).toEqual([
      { file: 'b.ts', rule: 'legacy-subclass', baseline: 3, current: 1 },
      { file: 'deleted.ts', rule: 'legacy-loop', baseline: 1, current: 0 },
    ]);
    const updated = updateBaseline(current, baseline, scope);
    expect(updated.pruned).toBe(1);
    expect(formatBaseline(updated.entries)).toBe(`${BASELINE_HEADER}\na.ts\tlegacy-import\t3\nb.ts\tlegacy-subclass\t1\nnew.ts\tlegacy-import\t1\nother-shard.ts\tlegacy-import\t1\n`);
  });

  test('two branches fixing different files merge without conflict (git merge-file)', () => {
    const repository = scratchRepository();
    try {
      const files = Array.from({ length: 8 }, (_, index) => `src/module${index}.ts`);
      const base = formatBaseline(files.map((file) => ({ file, rule: 'legacy-import', count: 2 })));
      const ours = formatBaseline(files.map((file, index) => ({ file, rule: 'legacy-import', count: index === 1 ? 1 : 2 })));
      const theirs = formatBaseline(files.map((file, index) => ({ file, rule: 'legacy-import', count: index === 6 ? 0 : 2 })));
      const [oursPath, basePath, theirsPath] = ['ours', 'base', 'theirs'].map((name) => join(repository.root, name));
      writeFileSync(oursPath as string, ours);
      writeFileSync(basePath as string, base);
      writeFileSync(theirsPath as string, theirs);
      // Exit status 0 means a clean merge; conflicts make it exit with their count.
      execFileSync('git', ['merge-file', oursPath as string, basePath as string, theirsPath as string]);
      const merged = parseBaseline(readFileSync(oursPath as string, 'utf8'), 'merged');
      expect(merged.get('src/module1.ts\tlegacy-import')?.count).toBe(1);
      expect(merged.has('src/module6.ts\tlegacy-import')).toBe(false);
      expect(merged.size).toBe(7);
    } finally {
      repository.dispose();
    }
  });

  test('property: formatting then parsing gives the same entries, and a fresh baseline neither fails nor falls', () => {
    const entryArbitrary = fc.record({
      file: fc.stringMatching(/^[a-z][a-z0-9/._-]{0,30}$/),
      rule: fc.constantFrom('legacy-import', 'legacy-subclass', 'legacy-loop', 'manual-marker', 'parse-error'),
      count: fc.integer({ min: 1, max: 50 }),
    });
    fc.assert(
      fc.property(fc.uniqueArray(entryArbitrary, { selector: (entry) => `${entry.file}\t${entry.rule}`, maxLength: 40 }), (list) => {
        const current = new Map(list.map((entry) => [`${entry.file}\t${entry.rule}`, entry]));
        const parsed = parseBaseline(formatBaseline(list), 'property');
        if (parsed.size !== current.size) return false;
        for (const [key, entry] of current) if (parsed.get(key)?.count !== entry.count) return false;
        const scope = { checkedFiles: new Set(list.map((entry) => entry.file)), fileExists: () => true };
        const comparison = compareWithBaseline(current, parsed, scope);
        return comparison.exceeded.length === 0 && comparison.fallen.length === 0;
      }),
    );
  });

  test('duplicate lines left by a careless merge keep the smaller count (the ratchet never loosens)', () => {
    expect(parseBaseline('a.ts\tlegacy-import\t3\na.ts\tlegacy-import\t2\n', 'x').get('a.ts\tlegacy-import')?.count).toBe(2);
  });
});

describe('check --baseline (end to end)', () => {
  test('update, pass within, fail on a rise or a new file, hint on a fall, strict fails on it, prune on update', async () => {
    const repository = scratchRepository('chains');
    const { root } = repository;
    try {
      const baselinePath = join(root, 'asynchat-baseline.tsv');
      const written = await check(root, ['--baseline', 'asynchat-baseline.tsv', '--update-baseline']);
      expect(written.exitCode).toBe(0);
      expect(readFileSync(baselinePath, 'utf8')).toBe(
        [
          BASELINE_HEADER,
          'base.cjs\tlegacy-import\t1',
          'base.cjs\tlegacy-subclass\t1',
          'base.ts\tlegacy-import\t1',
          'base.ts\tlegacy-subclass\t1',
          'child.cjs\tlegacy-subclass\t1',
          'default-base.ts\tlegacy-subclass\t1',
          'default-child.ts\tlegacy-subclass\t1',
          'grandchild.js\tlegacy-subclass\t1',
          'leaf.ts\tlegacy-subclass\t1',
          'middle.ts\tlegacy-subclass\t1',
          '',
        ].join('\n'),
      );

      const within = await check(root, ['--baseline', 'asynchat-baseline.tsv']);
      expect(within.exitCode).toBe(0);
      expect(within.stdout).toContain('0 findings in 0 files, 10 within the baseline');

      // A rise in one file and a new file: only those findings are reported.
      writeFileSync(join(root, 'leaf.ts'), `${readFileSync(join(root, 'leaf.ts'), 'utf8')}export class Another extends LineHandler {}\n`);
      writeFileSync(join(root, 'fresh.ts'), "import { dispatcher } from '@asynchat/shim';\nexport class Fresh extends dispatcher {}\n");
      const risen = await check(root, ['--baseline', 'asynchat-baseline.tsv', '--format', 'json']);
      expect(risen.exitCode).toBe(1);
      const report = JSON.parse(risen.stdout) as { findings: { file: string; rule: string }[]; summary: { baseline: { exceeded: unknown[] } } };
      expect(report.findings.map((finding) => `${finding.file} ${finding.rule}`)).toEqual([
        'fresh.ts legacy-import',
        'fresh.ts legacy-subclass',
        'leaf.ts legacy-subclass',
        'leaf.ts legacy-subclass',
      ]);
      expect(report.summary.baseline.exceeded).toEqual([
        { file: 'fresh.ts', rule: 'legacy-import', baseline: 0, current: 1 },
        { file: 'fresh.ts', rule: 'legacy-subclass', baseline: 0, current: 1 },
        { file: 'leaf.ts', rule: 'legacy-subclass', baseline: 1, current: 2 },
      ]);
      rmSync(join(root, 'fresh.ts'));
      writeFileSync(join(root, 'leaf.ts'), "import { LineHandler } from './middle.js';\nexport const kept = LineHandler;\n");

      // A fall (leaf.ts migrated) and a deleted file (grandchild.js): passes, with a hint.
      rmSync(join(root, 'grandchild.js'));
      const fallen = await check(root, ['--baseline', 'asynchat-baseline.tsv']);
      expect(fallen.exitCode).toBe(0);
      expect(fallen.stdout).toContain('fell below the baseline: grandchild.js legacy-subclass 1 -> 0');
      expect(fallen.stdout).toContain('fell below the baseline: leaf.ts legacy-subclass 1 -> 0');
      expect(fallen.stdout).toContain('run asynchat-migrate check --baseline asynchat-baseline.tsv --update-baseline');

      const strict = await check(root, ['--baseline', 'asynchat-baseline.tsv', '--strict-baseline']);
      expect(strict.exitCode).toBe(1);

      // Checking only one file leaves the entries of existing unchecked files alone; deleted files are always in scope.
      const partial = await check(root, ['base.ts', '--baseline', 'asynchat-baseline.tsv']);
      expect(partial.exitCode).toBe(0);
      expect(partial.stdout).toContain('fell below the baseline: grandchild.js');
      expect(partial.stdout).not.toContain('fell below the baseline: leaf.ts');

      const pruned = await check(root, ['--baseline', 'asynchat-baseline.tsv', '--update-baseline']);
      expect(pruned.exitCode).toBe(0);
      expect(pruned.stderr).toContain('2 entries pruned');
      const after = readFileSync(baselinePath, 'utf8');
      expect(after).not.toContain('leaf.ts');
      expect(after).not.toContain('grandchild.js');
      expect((await check(root, ['--baseline', 'asynchat-baseline.tsv', '--strict-baseline'])).exitCode).toBe(0);
    } finally {
      repository.dispose();
    }
  });

  test('a missing baseline without --update-baseline is a usage error', async () => {
    const repository = scratchRepository('chains');
    try {
      const run = await check(repository.root, ['--baseline', 'nope.tsv']);
      expect(run.exitCode).toBe(2);
      expect(run.stderr).toContain('create it with --baseline nope.tsv --update-baseline');
    } finally {
      repository.dispose();
    }
  });
});
