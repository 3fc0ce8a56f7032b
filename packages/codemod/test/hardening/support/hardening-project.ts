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
