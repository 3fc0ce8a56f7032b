#!/usr/bin/env node
// Benchmark of `asynchat-migrate check` against `ast-grep scan` with the equivalent rules in
// scripts/bench/ast-grep/ (issue 5): same corpora, same run, alternating, medians.
//   pnpm build && node scripts/bench/check.mjs [--quick] [--runs N]
// Corpora: scripts/corpus/generate.mjs, 2,000 and 10,000 files of ~55 lines, 10% on the shim.
// Prints a markdown table of ratios (check time / ast-grep time; below 1 means check is faster),
// and checks that both tools report the same direct imports and subclasses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, runs: { type: 'string' } }, strict: true });
const runs = Number(values.runs ?? (values.quick ? 3 : 7));
const sizes = values.quick ? [500, 2000] : [2000, 10000];
const binary = join(root, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const astGrep = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'ast-grep.cmd' : 'ast-grep');
const astGrepConfig = join(root, 'scripts', 'bench', 'ast-grep', 'sgconfig.yml');
const generator = join(root, 'scripts', 'corpus', 'generate.mjs');
for (const [path, what] of [[binary, 'the built CLI (run pnpm build first)'], [astGrep, '@ast-grep/cli (pnpm install)'], [generator, 'the corpus generator']]) {
  if (!existsSync(path)) {
    console.error(`missing ${what}: ${path}`);
    process.exit(2);
  }
}
const scratch = mkdtempSync(join(tmpdir(), 'asynchat-check-bench-'));
const cacheDirectory = join(scratch, 'compile-cache');

// CPU time (user + system) through GNU time when it is there: steadier than wall time on a shared machine.
const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CPU_MARK = 'bench-cpu-seconds';

function timed(command, args, options) {
  const [file, fileArgs] = gnuTime ? [gnuTime, ['-f', `${CPU_MARK} %U %S`, command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, fileArgs, { encoding: 'utf8', maxBuffer: 1 << 30, ...options });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
  // Both tools exit 1 when they find something: that is the expected outcome here.
  if (result.status !== 0 && result.status !== 1) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const cpuLine = result.stderr.split('\n').find((line) => line.startsWith(CPU_MARK));
  const cpuSeconds = cpuLine ? cpuLine.split(' ').slice(1, 3).reduce((sum, value) => sum + Number(value), 0) : Number.NaN;
  return { seconds, cpuSeconds, stdout: result.stdout };
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const runCheck = (corpus, cache) =>
  timed(process.execPath, [binary, 'check', '--format', 'json'], {
    cwd: corpus,
    env: { ...process.env, ASYNCHAT_MIGRATE_CACHE_DIR: cacheDirectory, ...(cache ? {} : { ASYNCHAT_MIGRATE_NO_COMPILE_CACHE: '1' }) },
  });
const runAstGrep = (corpus) => timed(astGrep, ['scan', '-c', astGrepConfig, '--json=compact', corpus], { cwd: corpus });

/** Same findings for direct imports and subclasses: what a syntactic rule can see. */
function compareFindings(corpus, checkOutput, astGrepOutput) {
  const manifest = JSON.parse(readFileSync(join(corpus, 'corpus.json'), 'utf8'));
  const ours = JSON.parse(checkOutput).findings;
  const theirs = JSON.parse(astGrepOutput);
  const key = (file, line) => `${file.replace(/^\.\//, '')}:${line}`;
  const ourImports = new Set(ours.filter((finding) => finding.rule === 'legacy-import').map((finding) => key(finding.file, finding.line)));
  const ourSubclasses = new Set(ours.filter((finding) => finding.rule === 'legacy-subclass').map((finding) => key(finding.file, finding.line)));
  const relativeFile = (file) => (file.startsWith(corpus) ? file.slice(corpus.length + 1) : file);
  const theirImports = new Set(theirs.filter((match) => match.ruleId === 'legacy-import').map((match) => key(relativeFile(match.file), match.range.start.line + 1)));
  const theirSubclasses = new Set(theirs.filter((match) => match.ruleId === 'legacy-subclass').map((match) => key(relativeFile(match.file), match.range.start.line + 1)));
  const sameImports = ourImports.size === theirImports.size && [...theirImports].every((item) => ourImports.has(item));
  const syntacticSubset = [...theirSubclasses].every((item) => ourSubclasses.has(item));
  const expected = manifest.legacy.reduce((sum, entry) => ({ subclasses: sum.subclasses + entry.subclasses, syntactic: sum.syntactic + entry.syntacticSubclasses }), { subclasses: 0, syntactic: 0 });
  return {
    imports: `${ourImports.size} / ${theirImports.size}`,
    subclasses: `${ourSubclasses.size} / ${theirSubclasses.size}`,
    same: sameImports && syntacticSubset && ourSubclasses.size === expected.subclasses && theirSubclasses.size === expected.syntactic,
    beyond: ourSubclasses.size - theirSubclasses.size,
  };
}

console.log(`check benchmark: ${runs} runs per tool and corpus, alternating; ${cpus().length} CPUs; node ${process.version}`);
const rows = [];
let allSame = true;
for (const size of sizes) {
  const corpus = join(scratch, `corpus-${size}`);
  const generated = spawnSync(process.execPath, [generator, '--out', corpus, '--files', String(size), '--legacy-percent', '10', '--seed', '1'], { encoding: 'utf8' });
  if (generated.status !== 0) throw new Error(`corpus generator failed: ${generated.stderr}`);
  // Warm the file system cache and the compile cache once for each tool (untimed).
  const warmCheck = runCheck(corpus, true);
  const warmAstGrep = runAstGrep(corpus);
  const comparison = compareFindings(corpus, warmCheck.stdout, warmAstGrep.stdout);
  allSame &&= comparison.same;
  const times = { check: [], cold: [], astGrep: [], checkCpu: [], astGrepCpu: [] };
  for (let run = 0; run < runs; run += 1) {
    const astGrepRun = runAstGrep(corpus);
    times.astGrep.push(astGrepRun.seconds);
    times.astGrepCpu.push(astGrepRun.cpuSeconds);
    const checkRun = runCheck(corpus, true);
    times.check.push(checkRun.seconds);
    times.checkCpu.push(checkRun.cpuSeconds);
    times.cold.push(runCheck(corpus, false).seconds);
  }
  const row = {
    size,
    astGrep: median(times.astGrep),
    check: median(times.check),
    cold: median(times.cold),
    cpuRatio: median(times.checkCpu) / median(times.astGrepCpu),
    comparison,
  };
  rows.push(row);
  console.log(
    `${size} files: ast-grep ${row.astGrep.toFixed(2)} s, check ${row.check.toFixed(2)} s (${(row.check / row.astGrep).toFixed(2)}x), without compile cache ${row.cold.toFixed(2)} s (${(row.cold / row.astGrep).toFixed(2)}x), CPU time ratio ${row.cpuRatio.toFixed(2)}x; imports ${comparison.imports}, subclasses ${comparison.subclasses}, same direct findings: ${comparison.same}`,
  );
}
rmSync(scratch, { recursive: true, force: true });

console.log('\n| corpus (10% legacy) | wall time: check / ast-grep | same, first run (no compile cache) | CPU time: check / ast-grep | legacy-import: check / ast-grep | legacy-subclass: check / ast-grep | same direct findings |');
console.log('|---|---|---|---|---|---|---|');
for (const row of rows) {
  console.log(
    `| ${row.size.toLocaleString('en-US')} files | ${(row.check / row.astGrep).toFixed(2)}x | ${(row.cold / row.astGrep).toFixed(2)}x | ${Number.isNaN(row.cpuRatio) ? 'n/a' : `${row.cpuRatio.toFixed(2)}x`} | ${row.comparison.imports} | ${row.comparison.subclasses} (+${row.comparison.beyond} through aliases and other files' classes) | ${row.comparison.same ? 'yes' : 'NO'} |`,
  );
}
if (!allSame) {
  console.error('check and ast-grep disagree on direct imports or subclasses');
  process.exit(1);
}
