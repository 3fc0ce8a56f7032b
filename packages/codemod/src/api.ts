/**
 * The programmatic API: `rewrite` and `check`, the two CLI commands as functions that return data.
 * They run the commands themselves (with `--json` / `--format json`, output captured in memory),
 * so everything the CLI guarantees holds here too: file selection, `.gitignore`, the
 * uncommitted-changes guard, verified atomic writes, baselines. The CLI's modules stay internal and
 * may change in any release; this file is the stable surface.
 */
import { resolve } from 'node:path';
import { runCheck } from './cli/check';
import { memoryIo } from './cli/io';
import { runRewrite } from './cli/rewrite';
// The internal report shapes, typed here so that the compiler checks they still fit the public types.
import type { Finding } from './report/finding';
import type { CheckSummary as InternalCheckSummary } from './report/summary';
import type { FileStatus, MarkerDecision } from './rewrite/engine';
import type { StatusTotals } from './rewrite/summary';

/** Which files a run reads; the same selection as the CLI's arguments and options. */
export interface SelectionOptions {
  /** Relative paths and reported file names are taken from here (default: `process.cwd()`). */
  cwd?: string;
  /** Files, directories (and globs, where the CLI takes them); default: the `cwd`. */
  paths?: readonly string[];
  /** `.gitignore`-style patterns to skip, relative to `cwd` (`--ignore`). */
  ignore?: readonly string[];
  /** Read `.gitignore` files (default true; false is `--no-gitignore`). */
  gitignore?: boolean;
  /** The tsconfig whose `paths` aliases are followed (`--tsconfig`). */
  tsconfig?: string;
}

export interface RewriteOptions extends SelectionOptions {
  /** Write nothing; report what would change (`--dry`). */
  dryRun?: boolean;
  /** Write even when files under the target have uncommitted git changes (`--allow-dirty`). */
  allowDirty?: boolean;
  /** Worker threads (`--jobs`; default: the CLI's choice). */
  jobs?: number;
}

/** What happened to one file: `changed` (migrated), `manual` (markers to act on), `unchanged`, `error`. */
export type RewriteStatus = 'changed' | 'unchanged' | 'manual' | 'error';

/** One `// TODO(asynchat-migrate): <rule>: <reason>` marker in a file, 1-based. */
export interface RewriteMarker {
  rule: string;
  reason: string;
  line: number;
  column: number;
}

export interface RewrittenFile {
  /** Relative to `cwd`, with `/` separators. */
  file: string;
  status: RewriteStatus;
  /** Translation rules applied, or rules that need manual work. */
  rules: string[];
  /** Why: the parse error, the manual reason, the write failure; '' when there is nothing to say. */
  message: string;
  markers: RewriteMarker[];
}

export interface RewriteResult {
  /** Every selected file, sorted by path. */
  files: RewrittenFile[];
  totals: Record<RewriteStatus, number>;
  /** The CLI's exit code: 0 done, 2 when a file could not be parsed or written. */
  exitCode: number;
}

export interface CheckOptions extends SelectionOptions {
  /** A baseline file (`--baseline`): only findings above its counts are returned and fail the run. */
  baseline?: string;
}

/** One remaining legacy use. */
export interface CheckFinding {
  /** Relative to `cwd`, with `/` separators. */
  file: string;
  line: number;
  column: number;
  /** A rule id of docs/rules.md, such as `legacy-import`. */
  rule: string;
  message: string;
}

export interface CheckSummary {
  /** Findings that fail the run (all of them without a baseline). */
  total: number;
  /** Files with at least one such finding. */
  files: number;
  byRule: Record<string, number>;
  byDirectory: Record<string, number>;
  filesChecked: number;
  filesParsed: number;
  baseline?: {
    file: string;
    suppressed: number;
    exceeded: { file: string; rule: string; baseline: number; current: number }[];
    fallen: { file: string; rule: string; baseline: number; current: number }[];
  };
}

export interface CheckResult {
  findings: CheckFinding[];
  summary: CheckSummary;
  /** The CLI's exit code: 0 clean (or within the baseline), 1 findings. */
  exitCode: number;
}

/**
 * A run that produced no report: a usage error, a missing path, a refused dirty tree. `message`
 * is what the CLI printed; `exitCode` is its exit code (2).
 */
export class AsynchatMigrateError extends Error {
  readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.name = 'AsynchatMigrateError';
    this.exitCode = exitCode;
  }
}

/** The options both commands share, as CLI arguments; paths last, after `--`, so none reads as an option. */
function selectionArguments(options: SelectionOptions): string[] {
  const args: string[] = [];
  for (const pattern of options.ignore ?? []) args.push('--ignore', pattern);
  if (options.gitignore === false) args.push('--no-gitignore');
  if (options.tsconfig !== undefined) args.push('--tsconfig', options.tsconfig);
  return args;
}

function withPaths(args: string[], options: SelectionOptions): string[] {
  return options.paths !== undefined && options.paths.length > 0 ? [...args, '--', ...options.paths] : args;
}

/** Runs a command in memory; its JSON report, or an AsynchatMigrateError with what it printed. */
async function runJson<T>(command: (argv: string[], io: ReturnType<typeof memoryIo>) => Promise<number>, argv: string[], cwd: string | undefined): Promise<{ report: T; exitCode: number }> {
  const io = memoryIo({ cwd: resolve(cwd ?? process.cwd()), env: { ...process.env } });
  const exitCode = await command(argv, io);
  const output = io.output();
  if (output.trim() === '') throw new AsynchatMigrateError(io.errors().trim() || `exit code ${exitCode}`, exitCode);
  return { report: JSON.parse(output) as T, exitCode };
}

/**
 * Rewrites shim handlers to `@asynchat/streams` code, as `asynchat-migrate rewrite --json`.
 * Rejects with `AsynchatMigrateError` when the run cannot start (a missing path, uncommitted
 * changes without `allowDirty`); a file that cannot be parsed or written is a `status: 'error'`
 * entry instead, and the other files are still processed.
 *
 * @example
 * ```ts
 * import { rewrite } from '@asynchat/codemod';
 * const { files, totals } = await rewrite({ paths: ['src'], dryRun: true });
 * for (const file of files) if (file.status === 'manual') console.log(file.file, file.message);
 * ```
 */
export async function rewrite(options: RewriteOptions = {}): Promise<RewriteResult> {
  const args = ['--json', ...selectionArguments(options)];
  if (options.dryRun) args.push('--dry');
  if (options.allowDirty) args.push('--allow-dirty');
  if (options.jobs !== undefined) args.push('--jobs', String(options.jobs));
  type Report = { files: { file: string; status: FileStatus; rules: string[]; message: string; markers: MarkerDecision[] }[]; totals: StatusTotals };
  const { report, exitCode } = await runJson<Report>(runRewrite, withPaths(args, options), options.cwd);
  return { files: report.files, totals: report.totals, exitCode };
}

/**
 * Reports the legacy usage left, as `asynchat-migrate check --format json`. Rejects with
 * `AsynchatMigrateError` on a usage error, a missing path or a malformed baseline.
 *
 * @example
 * ```ts
 * import { check } from '@asynchat/codemod';
 * const { findings, summary } = await check({ paths: ['src'] });
 * if (summary.total > 0) console.log(findings.map((f) => `${f.file}:${f.line} ${f.rule}`).join('\n'));
 * ```
 */
export async function check(options: CheckOptions = {}): Promise<CheckResult> {
  const args = ['--format', 'json', ...selectionArguments(options)];
  if (options.baseline !== undefined) args.push('--baseline', options.baseline);
  const { report, exitCode } = await runJson<{ findings: Finding[]; summary: InternalCheckSummary }>(runCheck, withPaths(args, options), options.cwd);
  return { findings: report.findings, summary: report.summary, exitCode };
}
