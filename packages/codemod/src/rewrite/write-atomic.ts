import { closeSync, fchmodSync, fsyncSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

/** A write that failed; the original file is untouched and no temporary file is left behind. */
export class AtomicWriteError extends Error {
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`could not write ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'AtomicWriteError';
  }
}

/**
 * Replaces the content of an existing file so that readers see either the old bytes or the new
 * bytes, never a mix: the text goes to a temporary file in the same directory (same file system,
 * so `rename` is atomic), is flushed with `fsync`, gets the original file's mode, and is renamed
 * over the original. A symbolic link is followed, so the link stays a link.
 *
 * @example
 * writeFileAtomic('/repo/src/handler.ts', migratedText);
 */
export function writeFileAtomic(file: string, content: string): void {
  let target: string;
  let mode: number;
  try {
    target = realpathSync(file);
    mode = statSync(target).mode & 0o7777;
  } catch (error) {
    throw new AtomicWriteError(file, error);
  }
  const temporary = join(dirname(target), `.${basename(target)}.asynchat-migrate-${randomBytes(6).toString('hex')}.tmp`);
  let descriptor: number | undefined;
  try {
    // 'wx': never reuse a file that happens to exist under the temporary name.
    descriptor = openSync(temporary, 'wx', mode);
    // The umask trimmed the mode given to open; set it exactly.
    fchmodSync(descriptor, mode);
    const bytes = Buffer.from(content, 'utf8');
    let written = 0;
    while (written < bytes.length) written += writeSync(descriptor, bytes, written, bytes.length - written);
    fsyncSync(descriptor);
    closeSync(descriptor);
    descriptor = undefined;
    renameSync(temporary, target);
  } catch (error) {
    if (descriptor !== undefined) {
      try {
        closeSync(descriptor);
      } catch {
        // The write already failed; that error is the one worth reporting.
      }
    }
    try {
      unlinkSync(temporary);
    } catch {
      // Nothing was created, or it is already gone.
    }
    throw new AtomicWriteError(file, error);
  }
}
