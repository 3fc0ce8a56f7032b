import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runCheck } from '../../../src/cli/check';
import { memoryIo } from '../../../src/cli/io';
import type { Finding } from '../../../src/report/finding';

export const FIXTURES = resolve(__dirname, '../../../../../fixtures/check');

export interface CheckRun {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function check(cwd: string, argv: string[], stdin?: string): Promise<CheckRun> {
  const io = memoryIo({ cwd, ...(stdin !== undefined ? { stdin } : {}) });
  const exitCode = await runCheck(argv, io);
  return { exitCode, stdout: io.output(), stderr: io.errors() };
}

/** Runs check with --format json and returns the findings as `file:line:column rule` strings. */
export async function findingKeys(cwd: string, argv: string[] = []): Promise<{ exitCode: number; keys: string[]; findings: Finding[] }> {
  const run = await check(cwd, [...argv, '--format', 'json']);
  if (run.exitCode === 2) throw new Error(`check failed: ${run.stderr}`);
  const { findings } = JSON.parse(run.stdout) as { findings: Finding[] };
  return { exitCode: run.exitCode, keys: findings.map((finding) => `${finding.file}:${finding.line}:${finding.column} ${finding.rule}`), findings };
}

/** A scratch git work tree (a `.git` directory marks the root), optionally seeded with a fixture. */
export function scratchRepository(fixture?: string): { root: string; dispose(): void } {
  const root = mkdtempSync(join(tmpdir(), 'asynchat-check-'));
  mkdirSync(join(root, '.git'));
  if (fixture) cpSync(join(FIXTURES, fixture), root, { recursive: true });
  return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
}
