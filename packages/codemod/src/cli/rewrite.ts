/**
 * `asynchat-migrate rewrite [paths...]`: the codemod from shim handlers to streams code.
 * Options, outputs and exit codes are documented in ./rewrite-help.ts (`--help`).
 */
import { availableParallelism } from 'node:os';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { rmSync } from 'node:fs';
import picocolors from 'picocolors';
import type { Colors } from 'picocolors/types';
import { booleanOption, FILE_SELECTION_OPTIONS, parseCommandArguments, parseShard, stringListOption, stringOption, type Shard } from './arguments';
import { colorEnabled } from './color-support';
import type { CliIo, TextSink } from './io';
import { packageVersion } from './package-version';
import { writeSelectionProblems } from './selection-problems';
import { REWRITE_HELP } from './rewrite-help';
import { UsageError } from '../shared/usage-error';
import { findUncommittedChanges } from '../rewrite/git-dirty';
import { cleanUpOnInterrupt } from '../rewrite/interrupt-cleanup';
import { isStaleTemporaryFile } from '../shared/temporary-files';
import { globBase, isGlobPattern } from '../discover/discover';
import { compareOutcomes, type FileOutcome } from '../rewrite/outcome';
import type { RewriteEngine, RewriteMode, ShareRequest } from '../rewrite/process-share';
import { ProgressBar, type ProgressStream } from '../rewrite/progress';
import { formatSummary, totalsByStatus } from '../rewrite/summary';
import { runWorkers } from '../rewrite/workers';
import { dealGroups } from '../rewrite/import-components';
import { selectRewriteFiles, type RewriteSelection, type SelectionRequest } from '../rewrite/select-files';

/** Translations that make readers (startServer, openConnection): where `limit` is emitted. */
const READER_RULES = new Set(['start-server', 'open-connection']);

/** Said once per run: migrated readers keep asynchat's unbounded frames unless asked. */
export const UNBOUNDED_FRAMES_NOTE =
  "note: migrated servers and clients read frames of any length, as asynchat did (limit: Infinity); bound them with --frame-limit <bytes> once you know your longest frame (docs/migration.md, 'Message size')";

const REWRITE_OPTIONS = {
  ...FILE_SELECTION_OPTIONS,
  dry: { type: 'boolean' },
  check: { type: 'boolean' },
  json: { type: 'boolean' },
  jobs: { type: 'string', short: 'j' },
  'allow-dirty': { type: 'boolean' },
  'frame-limit': { type: 'string' },
} as const;

/**
 * Below this many candidate files, a run without `--jobs` stays on the main thread. Each worker
 * pays for loading TypeScript and for its own garbage collection; measured on 2 cores
 * (docs/benchmarks.md), two workers lost to one thread at 660 candidates (9.2 s vs 8.4 s) and won
 * at 3,300 (35 s vs 42 s).
 */
const AUTOMATIC_WORKERS_MINIMUM_CANDIDATES = 1500;

/** What `runRewrite` needs from the rest of the package; tests replace parts of it. */
export interface RewriteDependencies {
  /** The in-process analysis and engine (workers always load the real ones); loaded only for in-process runs. */
  engine: RewriteEngine | undefined;
  selectFiles(request: SelectionRequest): Promise<RewriteSelection>;
  runWorkers: typeof runWorkers;
  now(): number;
}

/**
 * The real analysis and engine, loaded only by in-process runs: TypeScript takes a good part of a
 * second to load, which `--help`, usage errors and runs on workers (each loads its own) skip.
 */
function realEngine(): RewriteEngine {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyseProject } = require('../analyse') as typeof import('../analyse');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { rewriteFile } = require('../rewrite/engine') as typeof import('../rewrite/engine');
  return { analyseProject, rewriteFile };
}

function inProcess(): typeof import('../rewrite/process-share') {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('../rewrite/process-share') as typeof import('../rewrite/process-share');
}

interface RewriteOptions {
  paths: string[];
  mode: RewriteMode;
  check: boolean;
  json: boolean;
  /** null: choose (cores, or one thread for small runs). */
  jobs: number | null;
  shard: Shard | null;
  tsconfig: string | undefined;
  ignore: string[];
  gitignore: boolean;
  stdin: boolean;
  allowDirty: boolean;
  quiet: boolean;
  errorOnUnmatchedPattern: boolean;
  /** False when no path was given (the current directory, which may hold no source file). */
  pathsNamed: boolean;
  /** --frame-limit: the readers' `limit` in migrated code; null keeps asynchat's unbounded frames. */
  frameLimit: number | null;
}

function parseOptions(argv: string[], cwd: string): RewriteOptions | 'help' | 'version' {
  const { values, positionals } = parseCommandArguments(argv, REWRITE_OPTIONS);
  if (booleanOption(values, 'help')) return 'help';
  if (booleanOption(values, 'version')) return 'version';
  const dry = booleanOption(values, 'dry');
  const check = booleanOption(values, 'check');
  const jobsText = stringOption(values, 'jobs');
  let jobs: number | null = null;
  if (jobsText !== undefined) {
    if (!/^\d+$/.test(jobsText) || Number(jobsText) < 1) throw new UsageError(`--jobs expects a whole number of at least 1, got '${jobsText}'`);
    jobs = Number(jobsText);
  }
  const frameLimitText = stringOption(values, 'frame-limit');
  if (frameLimitText !== undefined && (!/^\d+$/.test(frameLimitText) || Number(frameLimitText) < 1)) {
    throw new UsageError(`--frame-limit expects a number of bytes of at least 1, got '${frameLimitText}'`);
  }
  const shardText = stringOption(values, 'shard');
  const tsconfig = stringOption(values, 'tsconfig');
  const stdin = booleanOption(values, 'stdin');
  if (stdin && positionals.length > 0) throw new UsageError('--stdin reads the paths from standard input: give no paths as arguments');
  return {
    paths: (positionals.length > 0 ? positionals : ['.']).map((path) => resolve(cwd, path)),
    mode: dry ? 'dry' : check ? 'check' : 'write',
    check,
    json: booleanOption(values, 'json'),
    jobs,
    shard: shardText === undefined ? null : parseShard(shardText),
    tsconfig: tsconfig === undefined ? undefined : resolve(cwd, tsconfig),
    ignore: stringListOption(values, 'ignore'),
    gitignore: !booleanOption(values, 'no-gitignore'),
    stdin,
    allowDirty: booleanOption(values, 'allow-dirty'),
    quiet: booleanOption(values, 'quiet'),
    errorOnUnmatchedPattern: !booleanOption(values, 'no-error-on-unmatched-pattern'),
    pathsNamed: positionals.length > 0,
    frameLimit: frameLimitText === undefined ? null : Number(frameLimitText),
  };
}

/**
 * Runs `asynchat-migrate rewrite` with `argv` (the arguments after `rewrite`) and returns the exit
 * code: 0 done, 1 `--check` found something to change, 2 errors.
 *
 * @example
 * ```ts
 * const exitCode = await runRewrite(['src', '--dry'], processIo());
 * ```
 */
export async function runRewrite(argv: string[], io: CliIo, dependencies: Partial<RewriteDependencies> = {}): Promise<number> {
  let options: RewriteOptions | 'help' | 'version';
  try {
    options = parseOptions(argv, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`asynchat-migrate rewrite: ${error.message}\nRun 'asynchat-migrate rewrite --help' for the options.\n`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    io.stdout.write(REWRITE_HELP);
    return 0;
  }
  if (options === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return 0;
  }
  const resolved: RewriteDependencies = {
    engine: dependencies.engine,
    selectFiles: dependencies.selectFiles ?? selectRewriteFiles,
    runWorkers: dependencies.runWorkers ?? runWorkers,
    now: dependencies.now ?? (() => performance.now()),
  };
  return rewrite(options, io, resolved);
}

async function rewrite(options: RewriteOptions, io: CliIo, dependencies: RewriteDependencies): Promise<number> {
  const startedAt = dependencies.now();
  const stderr = io.stderr as TextSink & ProgressStream;
  const stderrColors = colorsFor(stderr.isTTY === true, io.env);
  const stdoutColors = colorsFor(io.isTTY, io.env);
  // --quiet: only the files in error are listed; no progress bar, summary or notes.
  const notes: TextSink = options.quiet ? { write: () => true } : io.stderr;

  let selection: RewriteSelection;
  try {
    selection = await dependencies.selectFiles({
      paths: options.paths,
      cwd: io.cwd,
      ignore: options.ignore,
      gitignore: options.gitignore,
      shard: options.shard,
      tsconfig: options.tsconfig,
      stdinPaths: options.stdin ? await io.readStdin() : null,
      errorOnUnmatchedPattern: options.errorOnUnmatchedPattern && options.pathsNamed,
    });
  } catch (error) {
    io.stderr.write(`asynchat-migrate rewrite: ${describe(error)}\n`);
    return 2;
  }

  const unreadable = selection.unreadable ?? [];
  writeSelectionProblems(io, 'rewrite', io.cwd, { outsideLinks: selection.problems?.outsideLinks ?? [], unmatched: selection.problems?.unmatched ?? [] }, [], options.quiet);
  if (options.mode === 'write') {
    removeStaleTemporaryFiles(selection.problems?.temporaryFiles ?? [], io.cwd, notes);
    const refusal = dirtyTreeRefusal(options, selection, { ...io, stderr: notes }, stderrColors);
    if (refusal !== null) {
      io.stderr.write(refusal);
      return 2;
    }
  }

  const progress = new ProgressBar(options.quiet ? { write: () => true } : stderr, stderrColors, { now: dependencies.now });
  progress.phase('analysing', 0);
  let planned = 0;
  const shareProgress = {
    planned: (count: number) => {
      planned += count;
      progress.phase('rewriting', planned);
    },
    advanced: (count: number) => progress.advance(count),
  };
  const plan = planShares(options, selection, io.cwd);
  let outcomes: FileOutcome[];
  // Ctrl-C during the writes removes the temporary files before the process ends.
  const uninstallCleanup = options.mode === 'write' ? cleanUpOnInterrupt(new Set(selection.candidates.map((file) => dirname(file)))) : () => undefined;
  try {
    outcomes =
      plan.length <= 1
        ? await inProcess().processShare(plan[0] as ShareRequest, dependencies.engine ?? realEngine(), shareProgress, selection.texts)
        : await dependencies.runWorkers(plan, shareProgress);
  } catch (error) {
    io.stderr.write(`asynchat-migrate rewrite: ${describe(error)}\n`);
    return 2;
  } finally {
    uninstallCleanup();
    progress.finish();
  }

  // What could not be read was not rewritten: each such path is an error of its own, the rest went on.
  const unreadableOutcomes: FileOutcome[] = unreadable.map(({ path, reason }) => ({ file: path, status: 'error', rules: [], markers: [], message: `cannot read: ${reason}`, differs: false }));
  const unreadablePaths = new Set(unreadable.map(({ path }) => path));
  const reported = [...completeOutcomes(selection.selected, outcomes).filter((outcome) => !unreadablePaths.has(outcome.file)), ...unreadableOutcomes].sort(compareOutcomes);
  const totals = totalsByStatus(reported.map((outcome) => outcome.status));
  const summary = formatSummary({ totals, elapsedMilliseconds: dependencies.now() - startedAt, mode: options.check ? 'check' : options.mode });
  const wouldChange = reported.some((outcome) => outcome.differs);

  if (selection.selected.length === 0 && unreadable.length === 0) {
    notes.write(`asynchat-migrate rewrite: no source files selected under ${options.paths.map((path) => displayPath(path, io.cwd)).join(', ')}\n`);
  }
  if (options.json) {
    io.stdout.write(`${JSON.stringify(jsonReport(reported, totals, io.cwd), null, 2)}\n`);
    notes.write(`${summary}\n`);
  } else {
    const diffs = reported.filter((outcome) => outcome.diff !== undefined).map((outcome) => outcome.diff as string);
    if (options.mode === 'dry') io.stdout.write(diffs.join(''));
    // With --dry, stdout is a patch: the file list and the summary go to stderr.
    const listSink = options.mode === 'dry' ? io.stderr : io.stdout;
    const listColors = options.mode === 'dry' ? stderrColors : stdoutColors;
    for (const outcome of reported) {
      if (outcome.status === 'error' || (outcome.status !== 'unchanged' && !options.quiet)) listSink.write(`${fileLine(outcome, io.cwd, listColors)}\n`);
    }
    if (!options.quiet) listSink.write(`${listColors.bold(summary)}\n`);
    if (!options.quiet && options.frameLimit === null && reported.some((outcome) => outcome.rules.some((rule) => READER_RULES.has(rule)))) {
      listSink.write(`${UNBOUNDED_FRAMES_NOTE}\n`);
    }
  }
  if (totals.error > 0) return 2;
  if (options.check && wouldChange) return 1;
  return 0;
}

/**
 * The shares of a run: one (in-process) or one per worker, each a list of whole import groups.
 * With `--shard`, only the groups holding a selected file are analysed. `--jobs N` is honoured up
 * to the number of groups; without it, small runs stay on one thread.
 */
function planShares(options: RewriteOptions, selection: RewriteSelection, cwd: string): ShareRequest[] {
  let groups = selection.groupCandidates ? selection.groupCandidates() : [selection.candidates];
  if (options.shard) {
    const selected = new Set(selection.selected);
    groups = groups.filter((group) => group.some((file) => selected.has(file)));
  }
  const automatic = selection.candidates.length >= AUTOMATIC_WORKERS_MINIMUM_CANDIDATES ? availableParallelism() : 1;
  const jobs = Math.max(1, Math.min(options.jobs ?? automatic, groups.length));
  const shares = jobs === 1 ? [groups] : dealGroups(groups, jobs);
  const tsconfig = selection.tsconfig ?? options.tsconfig;
  const frameLimit = options.frameLimit === null ? {} : { frameLimit: options.frameLimit };
  return shares.map((share) => ({ groups: share, selected: selection.selected, mode: options.mode, cwd, ...(tsconfig ? { tsconfig } : {}), ...frameLimit }));
}

/** The refusal text when the target has uncommitted changes and --allow-dirty is absent; null to go on. */
function dirtyTreeRefusal(options: RewriteOptions, selection: RewriteSelection, io: CliIo, colors: Colors): string | null {
  if (options.allowDirty) return null;
  // A glob is guarded through the directory it is rooted in (git pathspecs here are literal).
  const targets = options.stdin ? selection.selected : options.paths.map((path) => (isGlobPattern(path, io.cwd) ? globBase(path) : path));
  if (targets.length === 0) return null;
  const state = findUncommittedChanges(targets, io.cwd);
  if (state.kind === 'not-a-repository') {
    io.stderr.write(`asynchat-migrate rewrite: note: ${state.reason}; writing without the uncommitted-changes guard\n`);
    return null;
  }
  if (state.kind === 'clean') return null;
  const lines = state.files.map((file) => `  ${file.kind.padEnd(10)} ${displayPath(file.path, io.cwd)}`);
  return (
    `asynchat-migrate rewrite: ${colors.red('refusing to write')}: ${state.files.length} ${state.files.length === 1 ? 'file' : 'files'} ` +
    `under the target ${state.files.length === 1 ? 'has' : 'have'} uncommitted changes:\n${lines.join('\n')}\n` +
    `Commit or stash them first, so that the rewrite lands as one diff you can review and undo, or pass --allow-dirty.\n`
  );
}

/** Every selected file gets an outcome: those the analysis dropped (they cannot reach the shim) are unchanged. */
function completeOutcomes(selected: string[], outcomes: FileOutcome[]): FileOutcome[] {
  const byFile = new Map(outcomes.map((outcome) => [outcome.file, outcome]));
  const complete = selected.map(
    (file) => byFile.get(file) ?? { file, status: 'unchanged' as const, rules: [], markers: [], message: '', differs: false },
  );
  return complete.sort(compareOutcomes);
}

function jsonReport(outcomes: FileOutcome[], totals: ReturnType<typeof totalsByStatus>, cwd: string) {
  return {
    files: outcomes.map((outcome) => ({
      file: displayPath(outcome.file, cwd),
      status: outcome.status,
      rules: outcome.rules,
      message: outcome.message,
      markers: outcome.markers,
    })),
    totals,
  };
}

function fileLine(outcome: FileOutcome, cwd: string, colors: Colors): string {
  const paint = outcome.status === 'error' ? colors.red : outcome.status === 'manual' ? colors.yellow : colors.green;
  const details = outcome.message || outcome.rules.join(', ');
  return `${paint(outcome.status.padEnd(9))} ${displayPath(outcome.file, cwd)}${details ? `  ${colors.dim(details)}` : ''}`;
}

/** A path relative to the run's directory, with forward slashes (the form reports and diffs use). */
function displayPath(file: string, cwd: string): string {
  const relativePath = relative(cwd, file);
  if (relativePath === '') return '.';
  const shown = isAbsolute(relativePath) ? file : relativePath;
  return shown.split(sep).join('/');
}

function colorsFor(terminal: boolean, env: Record<string, string | undefined>): Colors {
  return picocolors.createColors(colorEnabled(terminal, env));
}

/**
 * Temporary files left by a rewrite that was killed mid-write (temporary-files.ts) are removed
 * before the dirty-tree guard runs; those of a run still in progress are left alone.
 */
function removeStaleTemporaryFiles(temporaryFiles: readonly string[], cwd: string, notes: TextSink): void {
  const stale = temporaryFiles.filter((path) => isStaleTemporaryFile(path));
  for (const path of stale) rmSync(path, { force: true });
  if (stale.length > 0) {
    const shown = stale.slice(0, 5).map((path) => displayPath(path, cwd));
    notes.write(`asynchat-migrate rewrite: removed ${stale.length} temporary ${stale.length === 1 ? 'file' : 'files'} left by an interrupted run: ${shown.join(', ')}${stale.length > 5 ? ', ...' : ''}\n`);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
