import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../../../src/cli/io';
import { runCheck } from '../../../src/cli/check';
import { runRewrite } from '../../../src/cli/rewrite';

/** A handler the rewrite migrates completely (fixtures/codemod/close-when-done), as the bad inputs' base. */
export const MIGRATABLE_HANDLER = readFileSync(join(__dirname, '../../../../../fixtures/codemod/close-when-done/input.ts'), 'utf8');

/** A fresh directory under the OS temp dir; `dispose` removes it. */
export function scratchDirectory(prefix: string): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), `asynchat-${prefix}-`));
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

export interface CliRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** `asynchat-migrate rewrite` in-process, with the real engine. */
export async function rewriteIn(cwd: string, argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const io = memoryIo({ cwd, ...options });
  const exitCode = await runRewrite(argv, io);
  return { exitCode, stdout: io.output(), stderr: io.errors() };
}

/** `asynchat-migrate check` in-process. */
export async function checkIn(cwd: string, argv: string[], options: { stdin?: string; env?: Record<string, string> } = {}): Promise<CliRun> {
  const io = memoryIo({ cwd, ...options });
  const exitCode = await runCheck(argv, io);
  return { exitCode, stdout: io.output(), stderr: io.errors() };
}

const SOURCE_CLI = join(__dirname, 'source-cli.cjs');

/**
 * The CLI as a real process, run from the sources (source-cli.cjs). `user` runs it as another
 * (unprivileged) user through setpriv, for permission tests when the tests run as root.
 */
export function runSourceCli(argv: string[], options: { cwd: string; env?: Record<string, string>; user?: number; input?: string }): CliRun & { signal: NodeJS.Signals | null } {
  const command = options.user === undefined ? process.execPath : 'setpriv';
  const args = options.user === undefined ? [SOURCE_CLI, ...argv] : [`--reuid=${options.user}`, `--regid=${options.user}`, '--clear-groups', process.execPath, SOURCE_CLI, ...argv];
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    ...(options.input !== undefined ? { input: options.input } : {}),
  });
  if (result.error) throw result.error;
  return { exitCode: result.status ?? -1, signal: result.signal, stdout: result.stdout, stderr: result.stderr };
}

/** The command line that runs the source CLI, for `script -c` (a pseudo-terminal). */
export function sourceCliCommandLine(argv: string[]): string {
  return [process.execPath, SOURCE_CLI, ...argv].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
}
