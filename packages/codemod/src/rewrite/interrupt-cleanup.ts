import { constants } from 'node:os';
import { removeOwnTemporaryFiles } from '../shared/temporary-files';

const CLEANED_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * While a rewrite writes, Ctrl-C (SIGINT), SIGTERM and SIGHUP first remove the run's temporary
 * files from `directories` (those of its worker threads too: they carry the same pid), then end
 * the process by the same signal, so the caller still sees the usual exit status (130 for
 * Ctrl-C). A signal someone else already listens to is left to them: a program that runs the CLI
 * in-process keeps its own handling. SIGKILL cannot be caught: a later run removes what it left
 * (temporary-files.ts). Returns the function that uninstalls the handlers.
 *
 * @example
 * ```ts
 * const uninstall = cleanUpOnInterrupt(directoriesOfCandidates);
 * try { await runWrites(); } finally { uninstall(); }
 * ```
 */
export function cleanUpOnInterrupt(directories: Iterable<string>): () => void {
  const installed: [NodeJS.Signals, () => void][] = [];
  const uninstall = (): void => {
    for (const [signal, handler] of installed) process.removeListener(signal, handler);
    installed.length = 0;
  };
  for (const signal of CLEANED_SIGNALS) {
    if (process.listenerCount(signal) > 0) continue;
    const handler = (): void => {
      removeOwnTemporaryFiles(directories);
      uninstall();
      process.kill(process.pid, signal);
      // Should the default action not end the process (a platform without it), exit the way a shell reports a signal.
      process.exit(128 + (constants.signals[signal] ?? 0));
    };
    process.on(signal, handler);
    installed.push([signal, handler]);
  }
  return uninstall;
}
