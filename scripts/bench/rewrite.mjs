#!/usr/bin/env node
// Benchmark of `asynchat-migrate rewrite` against jscodeshift's floor, same machine, same run.
//
//   pnpm build && node scripts/bench/rewrite.mjs [--quick] [--runs N]
//
// Corpora come from scripts/corpus/generate.mjs (~55-line files, a third on the shim). Each timed
// run works on a fresh copy of the corpus (copying is not timed), as a real first run would.
// Measured: wall time of the whole command (process start to exit, so start-up is included for
// both tools), median of the runs; peak RSS of the command from /usr/bin/time (threads included).
// Compared:
//   rewrite            asynchat-migrate rewrite --allow-dirty (default --jobs: the cores)
//   rewrite --jobs 1   the same on one thread
//   rewrite --jobs 2   the same on two worker threads
//   jscodeshift floor  jscodeshift -t jscodeshift-noop.cjs --parser=tsx: parse + print every file, change nothing
//   jscodeshift runner jscodeshift -t jscodeshift-bare.cjs: the runner alone (no parse), for context
// Targets (issue 4): rewrite <= 1.5x the floor; peak RSS < 1 GiB; 10k-file time <= 5.5x the 2k-file time.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const cli = join(root, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const generator = join(root, 'scripts', 'corpus', 'generate.mjs');
const jscodeshift = join(root, 'node_modules', '.bin', 'jscodeshift');
const timeBinary = '/usr/bin/time';

const argv = process.argv.slice(2).filter((flag) => flag !== '--');
const quick = argv.includes('--quick');
const runsIndex = argv.indexOf('--runs');
const runs = runsIndex >= 0 ? Number(argv[runsIndex + 1]) : quick ? 1 : 5;
const smallSize = quick ? 500 : 2000;
const largeSize = quick ? 2500 : 10000;
const largeRuns = quick ? 1 : 3;

for (const [path, hint] of [
  [cli, "run 'pnpm build' first"],
  [generator, 'the corpus generator (scripts/corpus/generate.mjs) is missing'],
  [jscodeshift, "jscodeshift is a root devDependency: run 'pnpm install'"],
]) {
  if (!existsSync(path)) {
    console.error(`bench rewrite: ${path} not found: ${hint}`);
    process.exit(2);
  }
}

const work = mkdtempSync(join(tmpdir(), 'asynchat-bench-rewrite-'));
process.on('exit', () => rmSync(work, { recursive: true, force: true }));

function generate(files) {
  const out = join(work, `pristine-${files}`);
  const result = spawnSync(process.execPath, [generator, '--out', out, '--files', String(files), '--legacy-percent', '33', '--seed', '1'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`corpus generator failed: ${result.stderr}`);
  return out;
}

let copyCounter = 0;
function freshCopy(pristine) {
  const copy = join(work, `run-${(copyCounter += 1)}`);
  cpSync(pristine, copy, { recursive: true });
  return copy;
}

/** Runs a command under /usr/bin/time; returns wall seconds (measured here) and peak RSS in MiB. */
function measure(command, args, cwd, acceptedExitCodes = [0]) {
  const timeFile = join(work, 'time.txt');
  const started = performance.now();
  const result = spawnSync(timeBinary, ['-f', '%M', '-o', timeFile, command, ...args], { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  if (!acceptedExitCodes.includes(result.status)) {
    throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stderr.slice(-2000)}`);
  }
  const lines = readFileSync(timeFile, 'utf8').trim().split('\n');
  const peakMebibytes = Number(lines.at(-1)) / 1024;
  return { seconds, peakMebibytes, stdout: result.stdout, stderr: result.stderr };
}

const median = (values) => {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

const variants = {
  rewrite: (dir) => measure(process.execPath, [cli, 'rewrite', '--allow-dirty', '.'], dir),
  'rewrite --jobs 1': (dir) => measure(process.execPath, [cli, 'rewrite', '--allow-dirty', '--jobs', '1', '.'], dir),
  'rewrite --jobs 2': (dir) => measure(process.execPath, [cli, 'rewrite', '--allow-dirty', '--jobs', '2', '.'], dir),
  'jscodeshift floor (parse + print, no-op)': (dir) =>
    measure(jscodeshift, ['-t', join(here, 'jscodeshift-noop.cjs'), '--parser=tsx', '--extensions=ts,tsx,mts,cts,js,jsx,mjs,cjs', '--silent', '.'], dir),
  'jscodeshift runner (no parse)': (dir) =>
    measure(jscodeshift, ['-t', join(here, 'jscodeshift-bare.cjs'), '--parser=tsx', '--extensions=ts,tsx,mts,cts,js,jsx,mjs,cjs', '--silent', '.'], dir),
};

console.log(`rewrite benchmark: ${runs} run(s) per variant, corpora of ${smallSize} and ${largeSize} files${quick ? ' (--quick)' : ''}`);
const small = generate(smallSize);

// What the rewrite does to this corpus (untimed): proves the timed runs do real work.
const totalsRun = measure(process.execPath, [cli, 'rewrite', '--dry', '--json', '.'], freshCopy(small), [0, 2]);
const totals = JSON.parse(totalsRun.stdout).totals;
console.log(`corpus ${smallSize}: ${JSON.stringify(totals)}`);

const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let run = 0; run < runs; run += 1) {
  // Interleaved, so that a noisy neighbour slows every variant alike.
  for (const [name, variant] of Object.entries(variants)) {
    const copy = freshCopy(small);
    const sample = variant(copy);
    samples[name].push(sample);
    console.log(`  run ${run + 1}/${runs} ${name}: ${sample.seconds.toFixed(2)} s, ${sample.peakMebibytes.toFixed(0)} MiB`);
    rmSync(copy, { recursive: true, force: true });
  }
}

const large = generate(largeSize);
const largeSamples = [];
for (let run = 0; run < largeRuns; run += 1) {
  const copy = freshCopy(large);
  const sample = variants.rewrite(copy);
  largeSamples.push(sample);
  console.log(`  run ${run + 1}/${largeRuns} rewrite, ${largeSize} files: ${sample.seconds.toFixed(2)} s, ${sample.peakMebibytes.toFixed(0)} MiB`);
  rmSync(copy, { recursive: true, force: true });
}

const floorName = 'jscodeshift floor (parse + print, no-op)';
const floor = median(samples[floorName].map((sample) => sample.seconds));
const rows = Object.entries(samples).map(([name, list]) => {
  const seconds = median(list.map((sample) => sample.seconds));
  const peak = Math.max(...list.map((sample) => sample.peakMebibytes));
  return { name, seconds, ratio: seconds / floor, peak };
});
const smallRewrite = rows.find((row) => row.name === 'rewrite').seconds;
const largeSeconds = median(largeSamples.map((sample) => sample.seconds));
const largePeak = Math.max(...largeSamples.map((sample) => sample.peakMebibytes));
const scaling = largeSeconds / smallRewrite;

const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`;
console.log(`\nmachine: ${machine}\n`);
console.log(`| ${smallSize} files (${totals.changed} changed, ${totals.manual} manual, ${totals.unchanged} unchanged) | median wall | vs jscodeshift floor | peak RSS |`);
console.log('| --- | --- | --- | --- |');
for (const row of rows) console.log(`| ${row.name} | ${row.seconds.toFixed(2)} s | ${row.ratio.toFixed(2)}x | ${row.peak.toFixed(0)} MiB |`);
console.log(`| rewrite, ${largeSize} files | ${largeSeconds.toFixed(2)} s | ${largeSize}/${smallSize} time: ${scaling.toFixed(2)}x | ${largePeak.toFixed(0)} MiB |`);

const rewriteRatio = rows.find((row) => row.name === 'rewrite').ratio;
const peakOverall = Math.max(largePeak, ...rows.filter((row) => row.name.startsWith('rewrite')).map((row) => row.peak));
const verdicts = [
  [`rewrite / jscodeshift floor = ${rewriteRatio.toFixed(2)}x (target <= 1.5x)`, rewriteRatio <= 1.5],
  [`peak RSS ${peakOverall.toFixed(0)} MiB (target < 1024 MiB)`, peakOverall < 1024],
  [`${largeSize}/${smallSize} files time = ${scaling.toFixed(2)}x (target <= 5.5x)`, scaling <= 5.5],
];
console.log('');
for (const [text, met] of verdicts) console.log(`${met ? 'met    ' : 'MISSED '} ${text}`);
