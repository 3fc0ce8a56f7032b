#!/usr/bin/env node
// The main job on the built-in example (`pnpm demo` = `pnpm build && node scripts/demo.mjs`):
// copy fixtures/legacy-app, check it, rewrite it, check again, and run the same end-to-end tests
// against the legacy app and the migrated copy. The legacy app's end-to-end traffic is recorded
// by the shim (ASYNCHAT_RECORD) and replayed against the migrated copy (asynchat-migrate verify).
//
//   node scripts/demo.mjs [--out <dir>] [--skip-legacy-tests]
//
// --out defaults to <os tmpdir>/asynchat-migrate-demo/legacy-app-migrated (recreated on each run;
// outside the repository, so the repository's .gitignore, lint and jest never see it).
// Exit status: 0 when every step passed, 1 when one failed (the steps after it are skipped).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const legacyApp = path.join(repoRoot, 'fixtures', 'legacy-app');
const cliPath = path.join(repoRoot, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const requireFromCodemod = createRequire(path.join(repoRoot, 'packages', 'codemod', 'package.json'));
const requireFromRoot = createRequire(path.join(repoRoot, 'package.json'));
const colors = loadColors();

const { values: options } = parseArgs({
  options: {
    out: { type: 'string' },
    'skip-legacy-tests': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (options.help) {
  console.log('usage: node scripts/demo.mjs [--out <dir>] [--skip-legacy-tests]');
  process.exit(0);
}
const workDir = path.resolve(options.out ?? path.join(os.tmpdir(), 'asynchat-migrate-demo', 'legacy-app-migrated'));
const relativeToRepo = (file) => path.relative(repoRoot, file) || '.';
// The legacy app's end-to-end traffic, as the shim records it (next to the work folder).
const recordingsDir = path.join(path.dirname(workDir), 'legacy-app-recordings');

/** A step failed: its message says what and why; the demo stops there. */
class StepFailure extends Error {}

// Each step names the steps it needs: a failed step skips those that need it, the others still
// run (so a failing check still shows how the migrated services behave), and the exit is 1.
const steps = [
  { id: 'copy', title: 'Copy the legacy app to a work folder', needs: [], run: copyApp },
  ...(options['skip-legacy-tests']
    ? []
    : [{ id: 'legacy-tests', title: 'End-to-end tests on the legacy app (the baseline), traffic recorded', needs: [], run: recordLegacyTraffic }]),
  { id: 'check', title: 'asynchat-migrate check: the legacy usage', needs: ['copy'], run: checkBefore },
  { id: 'rewrite', title: 'asynchat-migrate rewrite: shim handlers to streams code', needs: ['copy'], run: rewrite },
  { id: 'check-after', title: 'asynchat-migrate check again: what is left', needs: ['rewrite'], run: checkAfter },
  { id: 'migrated-tests', title: 'End-to-end tests on the migrated copy', needs: ['rewrite'], run: () => runEndToEndTests(workDir) },
  ...(options['skip-legacy-tests']
    ? []
    : [{ id: 'verify', title: "asynchat-migrate verify: the legacy app's recorded traffic replayed against the migrated copy", needs: ['rewrite', 'legacy-tests'], run: verifyMigrated }]),
];

await main();

async function main() {
  const started = performance.now();
  console.log(colors.bold('asynchat-migrate demo'));
  console.log(colors.dim(`legacy app: ${relativeToRepo(legacyApp)}    work folder: ${workDir}\n`));
  const failed = [];
  const unavailable = new Set();
  for (const [index, step] of steps.entries()) {
    const label = `[${index + 1}/${steps.length}]`;
    const missing = step.needs.filter((id) => unavailable.has(id));
    if (missing.length > 0) {
      unavailable.add(step.id);
      console.log(colors.dim(`${label} ${step.title}: skipped (needs ${missing.join(', ')})\n`));
      continue;
    }
    console.log(colors.bold(colors.cyan(`${label} ${step.title}`)));
    const stepStarted = performance.now();
    try {
      const summary = await step.run();
      console.log(`${colors.green('✔')} ${summary ?? 'done'} ${colors.dim(`(${seconds(stepStarted)})`)}\n`);
    } catch (error) {
      failed.push(step);
      unavailable.add(step.id);
      const message = error instanceof StepFailure ? error.message : (error?.stack ?? String(error));
      console.log(`${colors.red('✖')} ${colors.red(message)} ${colors.dim(`(${seconds(stepStarted)})`)}\n`);
    }
  }
  const total = seconds(started);
  if (failed.length > 0) {
    console.log(colors.red(colors.bold(`Demo failed after ${total}: ${failed.map((step) => `"${step.title}"`).join(', ')}.`)));
    if (fs.existsSync(workDir)) console.log(`The work folder is ${workDir}`);
    process.exitCode = 1;
    return;
  }
  console.log(colors.green(colors.bold(`All ${steps.length} steps passed in ${total}.`)));
  console.log(`The migrated copy is in ${colors.bold(workDir)}`);
  console.log(colors.dim(`  compare: git diff --no-index ${relativeToRepo(legacyApp)}/src ${path.join(workDir, 'src')}`));
}

// ---------------------------------------------------------------------------------------------
// Steps

async function copyApp() {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(workDir), { recursive: true });
  fs.cpSync(legacyApp, workDir, {
    recursive: true,
    // The tests stay in the repository and run against the copy through APP_DIR.
    filter: (source) => !['node_modules', 'out', 'e2e'].includes(path.basename(source)),
  });
  // The copy is a project of its own, with its dependencies "installed" as a user's would be:
  // node_modules/@asynchat/* link to the workspace packages built by `pnpm build`, and
  // node_modules/@types/node to the repository's.
  fs.mkdirSync(path.join(workDir, 'node_modules', '@asynchat'), { recursive: true });
  fs.mkdirSync(path.join(workDir, 'node_modules', '@types'), { recursive: true });
  for (const name of ['shim', 'streams']) {
    const packageDir = path.join(repoRoot, 'packages', name);
    if (!fs.existsSync(path.join(packageDir, 'dist', 'index.js'))) {
      throw new StepFailure(`@asynchat/${name} is not built (${relativeToRepo(packageDir)}/dist is missing): run \`pnpm build\` first`);
    }
    fs.symlinkSync(packageDir, path.join(workDir, 'node_modules', '@asynchat', name), 'dir');
  }
  fs.symlinkSync(
    fs.realpathSync(path.join(repoRoot, 'node_modules', '@types', 'node')),
    path.join(workDir, 'node_modules', '@types', 'node'),
    'dir',
  );
  const files = listFiles(path.join(workDir, 'src'));
  for (const file of files) console.log(colors.dim(`  ${path.relative(workDir, file)}  (${countLines(file)} lines)`));
  return `${files.length} source files copied to ${workDir}`;
}

async function checkBefore() {
  requireCli();
  // What a person would read, as the tool prints it...
  const text = await runCli(['check', 'src'], { echo: true });
  if (text.code !== 1) {
    throw new StepFailure(`check exited ${text.code} on the legacy app; expected 1 (legacy usage found)`);
  }
  // ...and the same findings as data, to state what was found.
  const { findings } = await checkFindings();
  if (findings.length === 0) throw new StepFailure('check --format json found no legacy usage in the legacy app');
  const byRule = countBy(findings, (finding) => finding.rule);
  return `${findings.length} findings: ${formatCounts(byRule)}`;
}

async function rewrite() {
  requireCli();
  const before = snapshotSources();
  const result = await runCli(['rewrite', 'src', '--allow-dirty', '--json'], { echo: false });
  if (result.code !== 0) {
    throw new StepFailure(`rewrite exited ${result.code}\n${indent(result.stdout + result.stderr)}`);
  }
  const report = parseJson(result.stdout, 'rewrite --json');
  console.log(colors.bold('  report'));
  for (const entry of report.files ?? []) {
    const status = { changed: colors.green, manual: colors.yellow, error: colors.red }[entry.status] ?? colors.dim;
    const rules = (entry.rules ?? []).join(', ');
    const message = entry.message ? ` ${colors.dim(entry.message)}` : '';
    console.log(`    ${status(entry.status.padEnd(9))} ${entry.file}${rules ? `  ${colors.dim(rules)}` : ''}${message}`);
  }
  const errors = (report.files ?? []).filter((entry) => entry.status === 'error');
  if (errors.length > 0) {
    throw new StepFailure(`rewrite reported ${errors.length} file(s) in error: ${errors.map((entry) => entry.file).join(', ')}`);
  }

  const after = snapshotSources();
  const stats = diffStats(before, after);
  console.log(colors.bold('  diff summary'));
  for (const { file, added, removed } of stats) {
    console.log(`    ${file.padEnd(34)} ${colors.green(`+${added}`.padStart(5))} ${colors.red(`-${removed}`.padStart(5))}`);
  }
  if (stats.length === 0) throw new StepFailure('rewrite changed no file');
  const sample = stats.find((entry) => entry.file.endsWith('echo.ts')) ?? stats[0];
  console.log(colors.bold(`  ${sample.file}, before and after`));
  printDiff(sample.file, before.get(sample.file) ?? '', after.get(sample.file) ?? '');

  // A second run must find nothing left to change (idempotency, as CI would check it).
  const again = await runCli(['rewrite', 'src', '--allow-dirty', '--check'], { echo: false });
  if (again.code !== 0) {
    throw new StepFailure(`rewrite --check after rewrite exited ${again.code}: a second run would change more\n${indent(again.stdout + again.stderr)}`);
  }
  const added = stats.reduce((sum, entry) => sum + entry.added, 0);
  const removed = stats.reduce((sum, entry) => sum + entry.removed, 0);
  return `${stats.length} files rewritten (+${added} -${removed}); a second run changes nothing`;
}

async function checkAfter() {
  requireCli();
  await runCli(['check', 'src'], { echo: true });
  const { findings } = await checkFindings();
  const markers = findings.filter((finding) => finding.rule === 'manual-marker');
  if (markers.length === 0) {
    throw new StepFailure('no manual-marker finding: the stats handler (a recv() override) must be left for manual work');
  }
  // What may remain is listed, with the reason, in the app's expected-manual-work.json: the
  // handler left for manual work, the re-export module, the loop() that still runs it.
  const expectations = JSON.parse(fs.readFileSync(path.join(legacyApp, 'expected-manual-work.json'), 'utf8'));
  const expected = expectations.files;
  const unexpected = findings.filter((finding) => !(normalise(finding.file) in expected));
  if (unexpected.length > 0) {
    const files = [...new Set(unexpected.map((finding) => normalise(finding.file)))];
    throw new StepFailure(
      `rewrite left legacy usage outside the code meant for manual work (${files.join(', ')}):\n` +
        indent(unexpected.map(formatFinding).join('\n')),
    );
  }
  const markedFiles = new Set(markers.map((finding) => normalise(finding.file)));
  const unmarked = expectations.markerRequired.filter((file) => !markedFiles.has(file));
  if (unmarked.length > 0) {
    throw new StepFailure(`no manual-marker in ${unmarked.join(', ')}: rewrite must mark the handler it cannot migrate`);
  }
  for (const [file, reason] of Object.entries(expected)) {
    console.log(`    ${colors.yellow(file.padEnd(24))} ${colors.dim(reason)}`);
  }
  return `${markers.length} manual marker(s) left, in ${[...markedFiles].join(', ')}; ${findings.length - markers.length} legacy finding(s) all belong to the code left for manual work`;
}

async function recordLegacyTraffic() {
  fs.rmSync(recordingsDir, { recursive: true, force: true });
  const summary = await runEndToEndTests(legacyApp, { ASYNCHAT_RECORD: recordingsDir });
  const files = fs.existsSync(recordingsDir) ? fs.readdirSync(recordingsDir).filter((name) => name.endsWith('.jsonl')) : [];
  if (files.length === 0) throw new StepFailure(`the shim recorded no conversation into ${recordingsDir} (ASYNCHAT_RECORD)`);
  return `${summary}; ${files.length} conversations recorded into ${recordingsDir}`;
}

async function verifyMigrated() {
  requireCli();
  // The migrated copy, built as its owners would build it (tsc into out/; its node_modules links the packages).
  const tsc = requireFromRoot.resolve('typescript/bin/tsc');
  const build = await run(process.execPath, [tsc, '-p', path.join(workDir, 'tsconfig.json')], { cwd: workDir, env: process.env, echo: false });
  if (!fs.existsSync(path.join(workDir, 'out', 'main.js'))) {
    throw new StepFailure(`the migrated copy did not build (out/main.js is missing)\n${indent(build.stdout + build.stderr)}`);
  }
  // One {port:KEY} per recorded listener: the replay starts the copy on free ports and maps each
  // recorded service (by its listener class) onto the port given to it.
  const services = { echo: 'EchoServer', protocol: 'ProtocolServer', http: 'HttpServer', chat: 'ChatServer', stats: 'StatsServer' };
  const command = `node out/main.js ${Object.entries(services)
    .map(([name, listener]) => `--${name}-port {port:${listener}}`)
    .join(' ')}`;
  const result = await runCli(['verify', recordingsDir, '--run', command], { echo: true });
  if (result.code !== 0) throw new StepFailure(`verify exited ${result.code}: the migrated copy answers the recorded traffic differently`);
  const summary = /verify: (.*?);/.exec(stripAnsi(result.stdout));
  return `the migrated copy answered every recorded conversation as the legacy app did${summary ? ` (${summary[1]})` : ''}`;
}

async function runEndToEndTests(appDir, extraEnv = {}) {
  const jest = requireFromRoot.resolve('jest/bin/jest');
  const args = [jest, '--selectProjects', 'e2e', '--runTestsByPath', path.join(legacyApp, 'e2e', 'services.test.ts')];
  const result = await run(process.execPath, args, {
    cwd: repoRoot,
    env: { ...process.env, ...extraEnv, APP_DIR: appDir, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    echo: true,
  });
  const counts = /Tests:\s+(.*)/.exec(stripAnsi(result.stdout + result.stderr));
  if (result.code !== 0) {
    throw new StepFailure(`end-to-end tests failed against ${appDir}${counts ? ` (${counts[1].trim()})` : ''}`);
  }
  return `end-to-end tests green against ${appDir === legacyApp ? relativeToRepo(appDir) : appDir}${counts ? `: ${counts[1].trim()}` : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function requireCli() {
  if (!fs.existsSync(cliPath)) {
    throw new StepFailure(
      `the asynchat-migrate CLI is not built: ${relativeToRepo(cliPath)} is missing (run \`pnpm build\`; if it is still missing, @asynchat/codemod has no CLI yet)`,
    );
  }
}

async function checkFindings() {
  const result = await runCli(['check', 'src', '--format', 'json'], { echo: false });
  if (result.code === 2) throw new StepFailure(`check --format json exited 2\n${indent(result.stdout + result.stderr)}`);
  const report = parseJson(result.stdout, 'check --format json');
  if (!Array.isArray(report.findings)) throw new StepFailure(`check --format json printed no findings array:\n${indent(result.stdout)}`);
  return report;
}

function runCli(args, { echo }) {
  console.log(colors.dim(`  $ asynchat-migrate ${args.join(' ')}`));
  return run(process.execPath, [cliPath, ...args], { cwd: workDir, env: process.env, echo });
}

/** Runs a command; with `echo`, its output is shown indented as it comes. */
function run(command, args, { cwd, env, echo }) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const show = (text) => {
      if (echo) process.stdout.write(indent(text.replace(/\n$/, '')) + '\n');
    };
    child.stdout.setEncoding('utf8').on('data', (text) => {
      stdout += text;
      show(text);
    });
    child.stderr.setEncoding('utf8').on('data', (text) => {
      stderr += text;
      show(text);
    });
    child.once('error', reject);
    child.once('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

function snapshotSources() {
  const sourceDir = path.join(workDir, 'src');
  return new Map(listFiles(sourceDir).map((file) => [path.relative(workDir, file), fs.readFileSync(file, 'utf8')]));
}

function diffStats(before, after) {
  const { diffLines } = requireFromCodemod('diff');
  const files = [...new Set([...before.keys(), ...after.keys()])].sort();
  const stats = [];
  for (const file of files) {
    const old = before.get(file) ?? '';
    const now = after.get(file) ?? '';
    if (old === now) continue;
    let added = 0;
    let removed = 0;
    for (const part of diffLines(old, now)) {
      if (part.added) added += part.count ?? 0;
      if (part.removed) removed += part.count ?? 0;
    }
    stats.push({ file, added, removed });
  }
  return stats;
}

function printDiff(file, old, now) {
  const { createTwoFilesPatch } = requireFromCodemod('diff');
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, old, now, '', '', { context: 2 });
  for (const line of patch.split('\n').slice(2)) {
    if (line.startsWith('+')) console.log(`    ${colors.green(line)}`);
    else if (line.startsWith('-')) console.log(`    ${colors.red(line)}`);
    else if (line.startsWith('@@')) console.log(`    ${colors.cyan(line)}`);
    else if (!line.startsWith('\\')) console.log(`    ${line}`);
  }
}

function listFiles(directory) {
  return fs
    .readdirSync(directory, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath ?? entry.path, entry.name))
    .sort();
}

function countLines(file) {
  return fs.readFileSync(file, 'utf8').split('\n').length;
}

function parseJson(text, what) {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new StepFailure(`${what} did not print JSON (${error.message}):\n${indent(text.slice(0, 2000))}`);
  }
}

function countBy(items, key) {
  const counts = new Map();
  for (const item of items) counts.set(key(item), (counts.get(key(item)) ?? 0) + 1);
  return counts;
}

function formatCounts(counts) {
  return [...counts].map(([name, count]) => `${name} ${count}`).join(', ');
}

/** A finding's file relative to the work folder, with forward slashes. */
function normalise(file) {
  return path.relative(workDir, path.resolve(workDir, file)).split(path.sep).join('/');
}

function formatFinding(finding) {
  return `${finding.file}:${finding.line}:${finding.column}  ${finding.rule}  ${finding.message}`;
}

function indent(text) {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}

function seconds(since) {
  return `${((performance.now() - since) / 1000).toFixed(1)} s`;
}

function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*m/g, '');
}

/** picocolors comes with @asynchat/codemod; without it the demo prints plain text. */
function loadColors() {
  try {
    return requireFromCodemod('picocolors');
  } catch {
    const plain = (text) => String(text);
    return { bold: plain, dim: plain, red: plain, green: plain, yellow: plain, cyan: plain };
  }
}
