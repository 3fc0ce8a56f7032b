import { randomBytes } from 'node:crypto';
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/**
 * The temporary files of atomic writes (write-atomic.ts), named so that any later run recognises
 * them: `.<file>.asynchat-migrate-<pid>-<12 hex>.tmp`, next to the file they replace. The pid tells
 * a file of a run still in progress from one left by a run that was killed (SIGKILL, power loss):
 * only those are removed, and none of them ever counts as an uncommitted change.
 */
const TEMPORARY_NAME = /^\.(.+)\.asynchat-migrate-(?:(\d+)-)?[0-9a-f]{12}\.tmp$/;

/**
 * A temporary file older than this is stale even when its pid is alive again: a write holds its
 * temporary file for the time of one write, fsync and rename, and pids are reused.
 */
const STALE_AFTER_MILLISECONDS = 60 * 60 * 1000;

/**
 * @example
 * ```ts
 * temporaryFileFor('/repo/src/echo.ts'); // '/repo/src/.echo.ts.asynchat-migrate-4242-0a1b2c3d4e5f.tmp'
 * ```
 */
export function temporaryFileFor(target: string, pid: number = process.pid): string {
  return join(dirname(target), `.${basename(target)}.asynchat-migrate-${pid}-${randomBytes(6).toString('hex')}.tmp`);
}

/** True for a name (not a path) of one of our temporary files. */
export function isTemporaryFileName(name: string): boolean {
  return TEMPORARY_NAME.test(name);
}

/** The pid in a temporary file's name; null for names of older versions, which carried none. */
export function temporaryFilePid(name: string): number | null {
  const pid = TEMPORARY_NAME.exec(name)?.[2];
  return pid === undefined ? null : Number(pid);
}

/** True when nothing can still be writing the temporary file at `path` (its process is gone, or it is old). */
export function isStaleTemporaryFile(path: string, now: number = Date.now()): boolean {
  const pid = temporaryFilePid(basename(path));
  if (pid === process.pid) return false;
  try {
    if (now - statSync(path).mtimeMs > STALE_AFTER_MILLISECONDS) return true;
  } catch {
    return false;
  }
  if (pid === null) return true;
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    // EPERM: the process exists and belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes this process's temporary files from `directories`: the cleanup on an interrupted run
 * (SIGINT, SIGTERM), which must also catch the files of worker threads (same pid). Synchronous,
 * so that it can run in a signal handler right before the process exits.
 */
export function removeOwnTemporaryFiles(directories: Iterable<string>): number {
  let removed = 0;
  for (const directory of directories) {
    let names: string[];
    try {
      names = readdirSync(directory);
    } catch {
      continue;
    }
    for (const name of names) {
      if (temporaryFilePid(name) !== process.pid) continue;
      try {
        unlinkSync(join(directory, name));
        removed += 1;
      } catch {
        // Renamed into place or removed by its writer in the meantime.
      }
    }
  }
  return removed;
}
