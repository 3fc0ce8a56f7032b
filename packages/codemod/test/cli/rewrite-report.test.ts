import { memoryIo, type CliIo } from '../../src/cli/io';
import { runRewrite } from '../../src/cli/rewrite';
import { ProgressBar } from '../../src/rewrite/progress';
import picocolors from 'picocolors';
import { stubEngine, stubSelectFiles } from './support/stub-engine';
import { createTempProject, type TempProject } from './support/temp-project';

const HANDLER = `import { async_chat } from '@asynchat/shim';\nexport class Echo extends async_chat {\n  found_terminator(): void {\n    this.push('pong');\n  }\n}\n`;
const MANUAL = `import { async_chat } from '@asynchat/shim';\nexport class Raw extends async_chat {\n  handle_read(): void {}\n}\n`;
const UNPARSABLE = `import { async_chat } from '@asynchat/shim';\nexport class Broken extends async_chat {\n  found_terminator( {\n}\n`;

let project: TempProject;
afterEach(() => project?.remove());

/** A clock that moves one second per reading, so every progress draw is due. */
function steppingClock(): () => number {
  let now = 0;
  return () => (now += 1000);
}

test('--json prints exactly one JSON document with the documented schema; the summary goes to stderr', async () => {
  project = createTempProject({
    'src/echo.ts': HANDLER,
    'src/raw.ts': MANUAL,
    'src/broken.ts': UNPARSABLE,
    'src/plain.ts': 'export const answer = 42;\n',
  });
  const io = memoryIo({ cwd: project.root });
  const exitCode = await runRewrite(['--json', '--dry'], io, { engine: stubEngine, selectFiles: stubSelectFiles });
  expect(exitCode).toBe(2);
  const report = JSON.parse(io.output()) as { files: Record<string, unknown>[]; totals: Record<string, number> };
  expect(Object.keys(report).sort()).toEqual(['files', 'totals']);
  expect(report.totals).toEqual({ changed: 1, unchanged: 1, manual: 1, error: 1 });
  expect(report.files.map((entry) => [entry.file, entry.status])).toEqual([
    ['src/broken.ts', 'error'],
    ['src/echo.ts', 'changed'],
    ['src/plain.ts', 'unchanged'],
    ['src/raw.ts', 'manual'],
  ]);
  for (const entry of report.files) {
    expect(Object.keys(entry).sort()).toEqual(['file', 'markers', 'message', 'rules', 'status']);
    expect(Array.isArray(entry.rules)).toBe(true);
    expect(typeof entry.message).toBe('string');
  }
  expect(report.files[1]).toMatchObject({ rules: ['push-write'], message: '' });
  expect(report.files[3]).toMatchObject({
    rules: ['handle-read-override'],
    markers: [{ rule: 'handle-read-override', reason: 'handle_read is overridden', line: 1, column: 1 }],
  });
  expect(report.files[0]!.message).toMatch(/^5:1 /);
  // Nothing but the document on stdout: no diff, no summary.
  expect(io.output().trim().startsWith('{')).toBe(true);
  expect(io.output().trim().endsWith('}')).toBe(true);
  expect(io.errors()).toMatch(/rewrite: 1 would change, 1 manual, 1 error, 1 unchanged \(4 files\) in \d+\.\d\d s \(dry run: nothing written\)/);
});

test('the summary reports the elapsed time measured by the run', async () => {
  project = createTempProject({ 'src/echo.ts': HANDLER });
  const io = memoryIo({ cwd: project.root });
  const readings = [1000, 3500];
  await runRewrite(['--check'], io, { engine: stubEngine, selectFiles: stubSelectFiles, now: () => readings.shift() ?? 3500 });
  expect(io.output()).toContain('(1 file) in 2.50 s (check: nothing written)');
});

function terminalIo(cwd: string, env: Record<string, string | undefined>): CliIo & { errors(): string; output(): string } {
  const io = memoryIo({ cwd, isTTY: true, env });
  const stderr = { write: (text: string) => io.stderr.write(text), isTTY: true, columns: 100 };
  return { ...io, stderr };
}

test('on a terminal, a long run draws a progress bar on stderr and clears it before the summary', async () => {
  project = createTempProject({ 'src/a.ts': HANDLER, 'src/b.ts': HANDLER, 'src/c.ts': HANDLER });
  const io = terminalIo(project.root, { NO_COLOR: '1' });
  await runRewrite(['--check'], io, { engine: stubEngine, selectFiles: stubSelectFiles, now: steppingClock() });
  const drawn = io.errors();
  expect(drawn).toContain('analysing');
  expect(drawn).toMatch(/rewriting █{40} 3\/3 files/);
  expect(drawn).not.toContain('\x1b[3');
  expect(drawn.endsWith('\r\x1b[2K')).toBe(true);
  expect(io.output()).toContain('rewrite: 3 would change');
});

test('no progress bar and no colour when stderr is not a terminal', async () => {
  project = createTempProject({ 'src/a.ts': HANDLER, 'src/raw.ts': MANUAL });
  const io = memoryIo({ cwd: project.root });
  await runRewrite(['--check'], io, { engine: stubEngine, selectFiles: stubSelectFiles, now: steppingClock() });
  expect(io.errors()).toBe('');
  expect(io.output()).not.toContain('\x1b[');
});

test('colour on a terminal, none with NO_COLOR', async () => {
  project = createTempProject({ 'src/a.ts': HANDLER });
  const coloured = memoryIo({ cwd: project.root, isTTY: true, env: {} });
  await runRewrite(['--check'], coloured, { engine: stubEngine, selectFiles: stubSelectFiles });
  expect(coloured.output()).toContain('\x1b[');
  const plain = memoryIo({ cwd: project.root, isTTY: true, env: { NO_COLOR: '1' } });
  await runRewrite(['--check'], plain, { engine: stubEngine, selectFiles: stubSelectFiles });
  expect(plain.output()).not.toContain('\x1b[');
  expect(plain.output()).toMatch(/changed\s+src\/a\.ts/);
});

test('the progress bar stays quiet during its delay, and draws nothing off a terminal', () => {
  const drawn: string[] = [];
  let now = 0;
  const quiet = new ProgressBar({ write: (text: string) => drawn.push(text), isTTY: true }, picocolors.createColors(false), { now: () => now, delayMilliseconds: 500 });
  quiet.phase('rewriting', 10);
  now = 100;
  quiet.advance(5);
  expect(drawn).toEqual([]);
  now = 700;
  quiet.advance(5);
  expect(drawn.join('')).toContain('10/10 files');
  const pipe: string[] = [];
  const off = new ProgressBar({ write: (text: string) => pipe.push(text), isTTY: false }, picocolors.createColors(false), { now: steppingClock() });
  off.phase('rewriting', 2);
  off.advance(2);
  off.finish();
  expect(pipe).toEqual([]);
});
