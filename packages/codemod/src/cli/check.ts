/**
 * `asynchat-migrate check [paths...]`: the CI gate for remaining legacy usage. Options and exit
 * codes are documented in ./check-help.ts (`--help`) and docs/check.md.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { MissingPathError, UnmatchedPatternError } from '../discover/discover';
import type { UnreadableSource } from '../discover/source-text';
import { temporaryFileFor } from '../shared/temporary-files';
import type { SelectionRequest } from '../discover/select-files';
import { selectFilesInParallel } from '../discover/select-files-in-parallel';
import {
  BaselineFormatError,
  baselineKey,
  compareWithBaseline,
  countFindings,
  formatBaseline,
  parseBaseline,
  updateBaseline,
  type BaselineEntry,
  type BaselineScope,
} from '../report/baseline';
import type { LocatedFinding } from '../report/finding';
import { formatGithub } from '../report/github-format';
import { formatJson } from '../report/json-format';
import { relativePosixPath } from '../report/relative-path';
import { formatSarif } from '../report/sarif-format';
import { shellQuote } from '../report/shell-quote';
import { summarize, type CheckSummary } from '../report/summary';
import { formatText } from '../report/text-format';
import { booleanOption, FILE_SELECTION_OPTIONS, parseCommandArguments, parseShard, stringListOption, stringOption } from './arguments';
import { CHECK_HELP } from './check-help';
import { writeSelectionProblems } from './selection-problems';
import { colorEnabled } from './color-support';
import type { CliIo } from './io';
import { packageVersion } from './package-version';
import { PhaseTimings } from './phase-timings';
import { UsageError } from '../shared/usage-error';

const CHECK_OPTIONS = {
  ...FILE_SELECTION_OPTIONS,
  format: { type: 'string', short: 'f' },
  json: { type: 'boolean' },
  output: { type: 'string', short: 'o' },
  baseline: { type: 'string' },
  'update-baseline': { type: 'boolean' },
  'strict-baseline': { type: 'boolean' },
} as const;

const FORMATS = ['text', 'json', 'sarif', 'github'] as const;
type CheckFormat = (typeof FORMATS)[number];

/** Exit codes of `check`. */
export const CHECK_EXIT = { clean: 0, findings: 1, error: 2 } as const;

interface CheckRequest {
  paths: string[];
  format: CheckFormat;
  output: string | undefined;
  baseline: string | undefined;
  updateBaseline: boolean;
  strictBaseline: boolean;
  stdin: boolean;
  shard: { index: number; count: number } | undefined;
  ignore: string[];
  gitignore: boolean;
  tsconfig: string | undefined;
  quiet: boolean;
  errorOnUnmatchedPattern: boolean;
}

function readRequest(argv: string[]): CheckRequest | 'help' | 'version' {
  const { values, positionals } = parseCommandArguments(argv, CHECK_OPTIONS);
  if (booleanOption(values, 'help')) return 'help';
  if (booleanOption(values, 'version')) return 'version';
  const formatOption = stringOption(values, 'format');
  // --json is the spelling `rewrite --json` (and many linters) use: an alias of --format json.
  if (booleanOption(values, 'json') && formatOption !== undefined && formatOption !== 'json') {
    throw new UsageError(`--json means --format json; it cannot be combined with --format ${formatOption}`);
  }
  const format = booleanOption(values, 'json') ? 'json' : (formatOption ?? 'text');
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got '${format}'`);
  const baseline = stringOption(values, 'baseline');
  const updateBaselineFlag = booleanOption(values, 'update-baseline');
  const strictBaseline = booleanOption(values, 'strict-baseline');
  if ((updateBaselineFlag || strictBaseline) && baseline === undefined) {
    throw new UsageError(`--${updateBaselineFlag ? 'update-baseline' : 'strict-baseline'} needs --baseline <file>`);
  }
  const stdin = booleanOption(values, 'stdin');
  if (stdin && positionals.length > 0) throw new UsageError('--stdin reads the paths from standard input: give no paths as arguments');
  const shardText = stringOption(values, 'shard');
  return {
    paths: positionals,
    format: format as CheckFormat,
    output: stringOption(values, 'output'),
    baseline,
    updateBaseline: updateBaselineFlag,
    strictBaseline,
    stdin,
    shard: shardText === undefined ? undefined : parseShard(shardText),
    ignore: stringListOption(values, 'ignore'),
    gitignore: !booleanOption(values, 'no-gitignore'),
    tsconfig: stringOption(values, 'tsconfig'),
    quiet: booleanOption(values, 'quiet'),
    errorOnUnmatchedPattern: !booleanOption(values, 'no-error-on-unmatched-pattern'),
  };
}

function writeAtomically(path: string, text: string): void {
  // Named as rewrite names its temporary files, so that a killed run's leftover is recognised.
  const temporary = temporaryFileFor(path);
  try {
    writeFileSync(temporary, text);
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/**
 * Runs `check` with its arguments (after the subcommand) and returns the exit code: 0 clean or
 * within the baseline, 1 findings, 2 usage or internal error.
 *
 * @example
 * ```ts
 * const exitCode = await runCheck(['src', '--format', 'sarif', '--output', 'check.sarif'], processIo());
 * ```
 */
export async function runCheck(argv: string[], io: CliIo): Promise<number> {
  try {
    return await check(argv, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`asynchat-migrate check: ${error.message}\nRun 'asynchat-migrate check --help' for usage.\n`);
    } else if (error instanceof MissingPathError || error instanceof UnmatchedPatternError || error instanceof BaselineFormatError || (error instanceof Error && error.name === 'TsconfigError')) {
      io.stderr.write(`asynchat-migrate check: ${error.message}\n`);
    } else {
      io.stderr.write(`asynchat-migrate check: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    }
    return CHECK_EXIT.error;
  }
}

async function check(argv: string[], io: CliIo): Promise<number> {
  const request = readRequest(argv);
  if (request === 'help') {
    io.stdout.write(CHECK_HELP);
    return CHECK_EXIT.clean;
  }
  if (request === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return CHECK_EXIT.clean;
  }
  const cwd = resolve(io.cwd);
  const stdinPaths = request.stdin ? (await io.readStdin()).split(/\r?\n/) : undefined;
  let tsconfig: string | undefined;
  if (request.tsconfig !== undefined) {
    tsconfig = resolve(cwd, request.tsconfig);
    if (!existsSync(tsconfig)) throw new UsageError(`--tsconfig ${request.tsconfig}: no such file`);
  }
  const selectionRequest: SelectionRequest = {
    discover: {
      cwd,
      paths: request.paths,
      ignore: request.ignore,
      gitignore: request.gitignore,
      errorOnUnmatchedPattern: request.errorOnUnmatchedPattern,
      ...(stdinPaths ? { stdinPaths } : {}),
      ...(request.shard ? { shard: request.shard } : {}),
    },
    ...(tsconfig ? { tsconfig } : {}),
  };
  const timings = new PhaseTimings(io.env.ASYNCHAT_MIGRATE_TIMINGS === '1');
  // TypeScript loads while a worker thread walks and reads the files.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const selection = await selectFilesInParallel(selectionRequest, () => require('../analyse/typescript'), io.env);
  const { discovery, prefilter } = selection;
  tsconfig = selection.tsconfig;
  timings.mark('discovery, prefilter and TypeScript load');

  let findings: LocatedFinding[] = [];
  let filesParsed = 0;
  let unreadableFiles: UnreadableSource[] = prefilter?.unreadable ?? [];
  // Without candidates there is nothing to parse (a clean codebase is checked in the time it takes to read it).
  if (discovery.files.length > 0 && (prefilter === undefined || prefilter.candidates.length > 0)) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { analyseRaw } = require('../analyse/raw-analysis') as typeof import('../analyse/raw-analysis');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { collectFindings } = require('../report/findings') as typeof import('../report/findings');
    const analysis = analyseRaw({ files: discovery.files, ...(tsconfig ? { tsconfig } : {}), ...(prefilter ? { prefilter } : {}) });
    timings.mark(`analysis (${analysis.stats.filesParsed} of ${analysis.stats.filesRead} files parsed)`);
    findings = collectFindings(analysis, cwd);
    filesParsed = analysis.stats.filesParsed;
    unreadableFiles = analysis.unreadable;
  }
  const unreadable = [...discovery.unreadable, ...unreadableFiles];
  writeSelectionProblems(io, 'check', cwd, discovery, unreadable, request.quiet);

  let reported: LocatedFinding[] = findings;
  let summary: CheckSummary;
  let exitCode: number;
  let baselineState: ((finding: LocatedFinding) => 'new' | 'unchanged') | undefined;
  const notes: string[] = [];

  if (request.baseline !== undefined) {
    const baselinePath = resolve(cwd, request.baseline);
    const baselineDirectory = dirname(baselinePath);
    const baselineLabel = relativePosixPath(cwd, baselinePath);
    const exists = existsSync(baselinePath);
    if (!exists && !request.updateBaseline) {
      throw new UsageError(`baseline ${request.baseline} does not exist: create it with --baseline ${shellQuote(request.baseline)} --update-baseline`);
    }
    const baseline = exists ? parseBaseline(readFileSync(baselinePath, 'utf8'), baselineLabel) : new Map<string, BaselineEntry>();
    const current = countFindings(findings, baselineDirectory);
    const scope: BaselineScope = {
      checkedFiles: new Set(discovery.files.map((file) => relativePosixPath(baselineDirectory, file))),
      fileExists: (file) => existsSync(join(baselineDirectory, file)),
    };
    if (request.updateBaseline) {
      const { entries, pruned } = updateBaseline(current, baseline, scope);
      writeAtomically(baselinePath, formatBaseline(entries));
      const total = entries.reduce((sum, entry) => sum + entry.count, 0);
      io.stderr.write(`asynchat-migrate check: wrote ${baselineLabel}: ${entries.length} entries, ${total} findings${pruned > 0 ? `, ${pruned} entries pruned` : ''}\n`);
      return CHECK_EXIT.clean;
    }
    const comparison = compareWithBaseline(current, baseline, scope);
    const isFailing = (finding: LocatedFinding): boolean => comparison.failingKeys.has(baselineKey(relativePosixPath(baselineDirectory, finding.absolutePath), finding.rule));
    reported = findings.filter(isFailing);
    baselineState = (finding) => (isFailing(finding) ? 'new' : 'unchanged');
    summary = summarize(reported, discovery.files.length, filesParsed);
    summary.baseline = { file: baselineLabel, suppressed: findings.length - reported.length, exceeded: comparison.exceeded, fallen: comparison.fallen };
    for (const entry of comparison.exceeded) {
      notes.push(`over the baseline: ${entry.file} ${entry.rule} ${entry.baseline} -> ${entry.current}${entry.baseline === 0 ? ' (new)' : ''}`);
    }
    if (comparison.fallen.length > 0) {
      for (const entry of comparison.fallen) notes.push(`fell below the baseline: ${entry.file} ${entry.rule} ${entry.baseline} -> ${entry.current}`);
      notes.push(
        `${comparison.fallen.length} baseline ${comparison.fallen.length === 1 ? 'entry' : 'entries'} can be tightened: run asynchat-migrate check --baseline ${shellQuote(request.baseline)} --update-baseline and commit it${request.strictBaseline ? ' (--strict-baseline: this fails the run)' : ''}`,
      );
    }
    exitCode = reported.length > 0 || (request.strictBaseline && comparison.fallen.length > 0) ? CHECK_EXIT.findings : CHECK_EXIT.clean;
  } else {
    summary = summarize(findings, discovery.files.length, filesParsed);
    exitCode = findings.length > 0 ? CHECK_EXIT.findings : CHECK_EXIT.clean;
  }

  let report: string;
  switch (request.format) {
    case 'text':
      report = formatText(reported, summary, { color: colorEnabled(io.isTTY, io.env) && request.output === undefined, totals: !request.quiet });
      if (notes.length > 0 && !request.quiet) report += `${notes.join('\n')}\n`;
      break;
    case 'json':
      report = formatJson(reported, summary);
      break;
    case 'sarif': {
      // All findings go into SARIF, marked new or unchanged against the baseline: code scanning tracks them by fingerprint.
      report = formatSarif(findings, { sourceRoot: cwd, toolVersion: packageVersion(), ...(baselineState ? { baselineState } : {}) });
      break;
    }
    case 'github':
      report = formatGithub(reported, summary);
      break;
  }
  if (request.format !== 'text' && notes.length > 0 && !request.quiet) io.stderr.write(`${notes.map((note) => `asynchat-migrate check: ${note}`).join('\n')}\n`);
  if (request.output !== undefined) writeAtomically(resolve(cwd, request.output), report);
  else io.stdout.write(report);
  timings.mark('findings and report');
  timings.print(io.stderr);
  // What could not be read was not checked: the run cannot vouch for it (the rest was still checked).
  return unreadable.length > 0 ? CHECK_EXIT.error : exitCode;
}
