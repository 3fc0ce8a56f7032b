#!/usr/bin/env node
// Benchmark of @asynchat/eslint-plugin (issue 12) on the 2,000-file corpus (scripts/corpus/generate.mjs,
// 10% on the shim), in one run, alternating, medians:
//   - eslint with the recommended config vs eslint with no rules, same files and parser: the plugin's overhead;
//   - eslint with the recommended config vs `asynchat-migrate check`: linting the project costs about a check.
//   pnpm build && node scripts/bench/eslint-plugin.mjs [--quick] [--runs N]
// Both eslint runs use typescript-eslint's parser (no type information); the compare also checks that
// eslint and check report the same (file, line, column, rule) set on the corpus.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { quick: { type: 'boolean' }, runs: { type: 'string' } }, strict: true });
const runs = Number(values.runs ?? (values.quick ? 3 : 5));
const size = 2000;
const pluginDirectory = join(root, 'packages', 'eslint-plugin');
const plugin = join(pluginDirectory, 'dist', 'index.js');
const checkBinary = join(root, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const generator = join(root, 'scripts', 'corpus', 'generate.mjs');
const requireFromPlugin = createRequire(join(pluginDirectory, 'package.json'));
const eslintBinary = join(dirname(requireFromPlugin.resolve('eslint/package.json')), 'bin', 'eslint.js');
const typescriptEslint = requireFromPlugin.resolve('typescript-eslint');
for (const [path, what] of [[plugin, 'the built plugin (run pnpm build first)'], [checkBinary, 'the built CLI (run pnpm build first)'], [generator, 'the corpus generator']]) {
  if (!existsSync(path)) {
    console.error(`missing ${what}: ${path}`);
    process.exit(2);
  }
}
const scratch = mkdtempSync(join(tmpdir(), 'asynchat-eslint-bench-'));

/** A flat config: typescript-eslint's parser on every source file, with the plugin's recommended config or with no rules. */
function writeConfig(name, withPlugin) {
  const path = join(scratch, `${name}.eslint.config.mjs`);
  writeFileSync(
    path,
    `${withPlugin ? `import asynchat from ${JSON.stringify(pathToFileURL(plugin).href)};\n` : ''}import tseslint from ${JSON.stringify(pathToFileURL(typescriptEslint).href)};
export default [
  { files: ['**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}'], languageOptions: { parser: tseslint.parser } },
  ${withPlugin ? 'asynchat.configs.recommended,' : ''}
];
`,
  );
  return path;
}

const gnuTime = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;
const CPU_MARK = 'bench-cpu-seconds';
function timed(args, cwd) {
  const [file, fileArgs] = gnuTime ? [gnuTime, ['-f', `${CPU_MARK} %U %S`, process.execPath, ...args]] : [process.execPath, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(file, fileArgs, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (result.error) throw result.error;
  if (result.status !== 0 && result.status !== 1) throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  const cpuLine = result.stderr.split('\n').find((line) => line.startsWith(CPU_MARK));
  const cpuSeconds = cpuLine ? cpuLine.split(' ').slice(1, 3).reduce((sum, value) => sum + Number(value), 0) : Number.NaN;
  return { seconds, cpuSeconds, stdout: result.stdout };
}
const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

const corpus = join(scratch, `corpus-${size}`);
const generated = spawnSync(process.execPath, [generator, '--out', corpus, '--files', String(size), '--legacy-percent', '10', '--seed', '1'], { encoding: 'utf8' });
if (generated.status !== 0) throw new Error(`corpus generator failed: ${generated.stderr}`);
const withRules = writeConfig('recommended', true);
const noRules = writeConfig('no-rules', false);
const tools = {
  recommended: () => timed([eslintBinary, '--config', withRules, '--format', 'json', '.'], corpus),
  noRules: () => timed([eslintBinary, '--config', noRules, '--format', 'json', '.'], corpus),
  check: () => timed([checkBinary, 'check', '--format', 'json'], corpus),
};

// Warm-up (untimed): file system cache, and the sameness of the two reports.
const lintReport = JSON.parse(tools.recommended().stdout);
const checkReport = JSON.parse(tools.check().stdout);
tools.noRules();
const lintSet = new Set(lintReport.flatMap((file) => file.messages.map((message) => `${file.filePath.slice(corpus.length + 1)}:${message.line}:${message.column} ${(message.ruleId ?? 'fatal').replace('@asynchat/', '')}`)));
const checkSet = new Set(checkReport.findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`));
const same = lintSet.size === checkSet.size && [...checkSet].every((item) => lintSet.has(item));

const times = Object.fromEntries(Object.keys(tools).map((name) => [name, { wall: [], cpu: [] }]));
console.log(`eslint-plugin benchmark: ${size} files (10% legacy), ${runs} runs per tool, alternating; ${cpus().length} CPUs; node ${process.version}`);
for (let run = 0; run < runs; run += 1) {
  for (const [name, tool] of Object.entries(tools)) {
    const result = tool();
    times[name].wall.push(result.seconds);
    times[name].cpu.push(result.cpuSeconds);
  }
}
rmSync(scratch, { recursive: true, force: true });
const wall = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list.wall)]));
const cpu = Object.fromEntries(Object.entries(times).map(([name, list]) => [name, median(list.cpu)]));
const ratio = (a, b) => (Number.isNaN(a) || Number.isNaN(b) ? 'n/a' : `${(a / b).toFixed(2)}x`);
console.log(`eslint, recommended config ${wall.recommended.toFixed(2)} s; eslint, no rules ${wall.noRules.toFixed(2)} s; asynchat-migrate check ${wall.check.toFixed(2)} s; findings ${lintSet.size} / ${checkSet.size}, same set: ${same}`);
console.log('\n| 2,000 files (10% legacy) | wall time | CPU time |');
console.log('|---|---|---|');
console.log(`| eslint, recommended config | ${wall.recommended.toFixed(2)} s | ${Number.isNaN(cpu.recommended) ? 'n/a' : `${cpu.recommended.toFixed(2)} s`} |`);
console.log(`| eslint, no rules (same files, same parser) | ${wall.noRules.toFixed(2)} s | ${Number.isNaN(cpu.noRules) ? 'n/a' : `${cpu.noRules.toFixed(2)} s`} |`);
console.log(`| asynchat-migrate check | ${wall.check.toFixed(2)} s | ${Number.isNaN(cpu.check) ? 'n/a' : `${cpu.check.toFixed(2)} s`} |`);
console.log(`| plugin overhead: (recommended - no rules) | ${(wall.recommended - wall.noRules).toFixed(2)} s | ${Number.isNaN(cpu.recommended) ? 'n/a' : `${(cpu.recommended - cpu.noRules).toFixed(2)} s`} |`);
console.log(`| ratio recommended / no rules | ${ratio(wall.recommended, wall.noRules)} | ${ratio(cpu.recommended, cpu.noRules)} |`);
console.log(`| ratio plugin overhead / check | ${ratio(wall.recommended - wall.noRules, wall.check)} | ${ratio(cpu.recommended - cpu.noRules, cpu.check)} |`);
console.log(`| same (file, line, column, rule) set as check | ${same ? 'yes' : 'NO'} (${lintSet.size} findings) | |`);
process.exit(same ? 0 : 1);
