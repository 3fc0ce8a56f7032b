#!/usr/bin/env node
/**
 * The `asynchat-migrate` binary: `check` (the CI gate), `rewrite` (the codemod) and `verify`
 * (recorded traffic replayed against the migrated program).
 * Exit codes, for every subcommand: 0 success, 1 findings / would change, 2 usage or internal error.
 */
import { runCheck } from './check';
import { enableCompileCache } from './compile-cache';
import { processIo, type CliIo } from './io';
import { packageVersion } from './package-version';

const MAIN_HELP = `asynchat-migrate: move asynchat-style handlers from @asynchat/shim to @asynchat/streams.

Usage:
  asynchat-migrate check [paths...] [options]     report remaining legacy usage (CI gate)
  asynchat-migrate rewrite [paths...] [options]   rewrite shim handlers to streams code
  asynchat-migrate verify <recordings> --run "<command>"
                                                  replay recorded traffic against the migrated program

Run 'asynchat-migrate <command> --help' for a command's options.

Options:
  -h, --help      this text
  -v, --version   the version

Exit codes: 0 success, 1 findings (check), changes needed (rewrite --check) or differences (verify),
2 usage or internal error.
`;

type Subcommand = (argv: string[], io: CliIo) => Promise<number>;

/** The rewrite subcommand lives in ./rewrite (written separately); loaded only when asked for. */
function loadRewrite(): Subcommand | undefined {
  try {
    // A plain require keeps `check` from paying for the rewrite module's load time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const module = require('./rewrite') as { runRewrite?: Subcommand };
    return module.runRewrite;
  } catch (error) {
    // Only the rewrite module itself missing means "not in this build"; a missing dependency of it is a real error.
    if ((error as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes("'./rewrite'")) {
      return undefined;
    }
    throw error;
  }
}

/**
 * Runs the CLI with the given arguments (without `node` and the script path) and returns the exit code.
 *
 * @example
 * ```ts
 * const code = await main(['check', 'src'], processIo());
 * ```
 */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined:
      case '-h':
      case '--help':
      case 'help':
        io.stdout.write(MAIN_HELP);
        return command === undefined ? 2 : 0;
      case '-v':
      case '--version':
        io.stdout.write(`${packageVersion()}\n`);
        return 0;
      case 'check':
        return await runCheck(rest, io);
      case 'verify': {
        // Loaded only when asked for, as rewrite is: check stays fast to start.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { runVerify } = require('./verify') as typeof import('./verify');
        return await runVerify(rest, io);
      }
      case 'rewrite': {
        const runRewrite = loadRewrite();
        if (!runRewrite) {
          io.stderr.write('asynchat-migrate: rewrite is not available in this build\n');
          return 2;
        }
        return await runRewrite(rest, io);
      }
      default:
        io.stderr.write(`asynchat-migrate: unknown command '${command}'\n\n${MAIN_HELP}`);
        return 2;
    }
  } catch (error) {
    io.stderr.write(`asynchat-migrate: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 2;
  }
}

if (require.main === module) {
  enableCompileCache(process.env);
  main(process.argv.slice(2), processIo()).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`asynchat-migrate: internal error: ${String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
