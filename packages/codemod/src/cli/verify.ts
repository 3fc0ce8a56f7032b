/**
 * `asynchat-migrate verify <recordings-dir>`: replays recorded conversations against the
 * migrated program and reports where it answers differently. Options and exit codes are in
 * ./verify-help.ts (`--help`); the work is in ../verify/.
 */
import { resolve } from 'node:path';
import picocolors from 'picocolors';
import { RecordingFormatError } from '@asynchat/shim';
import { booleanOption, parseCommandArguments, stringListOption, stringOption } from './arguments';
import { colorEnabled } from './color-support';
import type { CliIo } from './io';
import { packageVersion } from './package-version';
import { UsageError } from '../shared/usage-error';
import { VERIFY_HELP } from './verify-help';
import { PortMappingError, type Destination } from '../verify/port-mapping';
import { ProgramStartError } from '../verify/program';
import { formatVerifyJson, formatVerifyText } from '../verify/report';
import { RecordingsError, runVerification, type CandidateSource } from '../verify/verify-run';

const VERIFY_OPTIONS = {
  run: { type: 'string' },
  target: { type: 'string', multiple: true },
  baseline: { type: 'string' },
  ignore: { type: 'string', multiple: true },
  timeout: { type: 'string' },
  'start-timeout': { type: 'string' },
  json: { type: 'boolean' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Exit codes of `verify`. */
export const VERIFY_EXIT = { matched: 0, differences: 1, error: 2 } as const;

interface VerifyOptions {
  dir: string;
  candidate: CandidateSource;
  baseline: string | null;
  ignore: RegExp[];
  timeoutMs: number;
  startTimeoutMs: number;
  json: boolean;
  quiet: boolean;
}

function milliseconds(values: Record<string, unknown>, name: string, fallback: number): number {
  const text = stringOption(values as never, name);
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1) throw new UsageError(`--${name} expects a whole number of milliseconds (at least 1), got '${text}'`);
  return Number(text);
}

/** `host:port`, `[::1]:port` or `KEY=host:port`. */
function parseTarget(text: string): Destination {
  const match = /^(?:([^=]+)=)?(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  if (match === null || Number(match[3]) > 65535) throw new UsageError(`--target expects [KEY=]host:port (for example 127.0.0.1:7000), got '${text}'`);
  return { key: match[1] ?? null, host: match[2]!.replace(/^\[|\]$/g, ''), port: Number(match[3]) };
}

function readOptions(argv: string[], cwd: string): VerifyOptions | 'help' | 'version' {
  const { values, positionals } = parseCommandArguments(argv, VERIFY_OPTIONS);
  if (booleanOption(values, 'help')) return 'help';
  if (booleanOption(values, 'version')) return 'version';
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the recordings directory' : `give one recordings directory, got ${positionals.length} paths`);
  const run = stringOption(values, 'run');
  const targets = stringListOption(values, 'target');
  if ((run === undefined) === (targets.length === 0)) throw new UsageError(run === undefined ? 'give the program to verify: --run "<command>" or --target host:port' : '--run and --target cannot be combined');
  if (run !== undefined && run.trim() === '') throw new UsageError('--run needs a command');
  const ignore = stringListOption(values, 'ignore').map((source) => {
    try {
      return new RegExp(source, 'g');
    } catch (error) {
      throw new UsageError(`--ignore ${source}: not a valid regular expression (${(error as Error).message})`);
    }
  });
  const baseline = stringOption(values, 'baseline') ?? null;
  if (baseline !== null && baseline.trim() === '') throw new UsageError('--baseline needs a command');
  return {
    dir: resolve(cwd, positionals[0]!),
    candidate: run !== undefined ? { run } : { targets: targets.map(parseTarget) },
    baseline,
    ignore,
    timeoutMs: milliseconds(values, 'timeout', 2000),
    startTimeoutMs: milliseconds(values, 'start-timeout', 30000),
    json: booleanOption(values, 'json'),
    quiet: booleanOption(values, 'quiet'),
  };
}

/**
 * Runs `verify` with its arguments (after the subcommand) and returns the exit code: 0 every
 * conversation matched, 1 differences, 2 usage or setup error.
 *
 * @example
 * ```ts
 * const exitCode = await runVerify(['recordings', '--run', 'node dist/main.js --port {port}'], processIo());
 * ```
 */
export async function runVerify(argv: string[], io: CliIo): Promise<number> {
  let options: VerifyOptions | 'help' | 'version';
  try {
    options = readOptions(argv, io.cwd);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`asynchat-migrate verify: ${error.message}\nRun 'asynchat-migrate verify --help' for usage.\n`);
      return VERIFY_EXIT.error;
    }
    throw error;
  }
  if (options === 'help') {
    io.stdout.write(VERIFY_HELP);
    return VERIFY_EXIT.matched;
  }
  if (options === 'version') {
    io.stdout.write(`${packageVersion()}\n`);
    return VERIFY_EXIT.matched;
  }
  const quiet = options.quiet;
  try {
    const result = await runVerification({
      dir: options.dir,
      candidate: options.candidate,
      baseline: options.baseline,
      ignore: options.ignore,
      timeoutMs: options.timeoutMs,
      startTimeoutMs: options.startTimeoutMs,
      env: io.env,
      progress: (text) => {
        if (!quiet) io.stderr.write(`asynchat-migrate verify: replaying against ${text}\n`);
      },
    });
    if (options.json) io.stdout.write(formatVerifyJson(result));
    else io.stdout.write(formatVerifyText(result, picocolors.createColors(colorEnabled(io.isTTY, io.env)), { quiet }));
    return result.results.some((entry) => entry.status === 'differing') ? VERIFY_EXIT.differences : VERIFY_EXIT.matched;
  } catch (error) {
    if (error instanceof RecordingsError || error instanceof ProgramStartError || error instanceof PortMappingError || error instanceof RecordingFormatError) {
      io.stderr.write(`asynchat-migrate verify: ${error.message}\n`);
      return VERIFY_EXIT.error;
    }
    throw error;
  }
}
