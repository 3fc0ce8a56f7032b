import { open, realpath, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { temporaryFileFor } from '../shared/temporary-files';

/** A write that failed; the original file is untouched and no temporary file is left behind. */
export class AtomicWriteError extends Error {
  override readonly name = 'AtomicWriteError';
  constructor(
    readonly file: string,
    cause: unknown,
  ) {
    super(`could not write ${file}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Replaces the content of an existing file so that readers see either the old bytes or the new
 * bytes, never a mix: the text goes to a temporary file in the same directory (same file system,
 * so `rename` is atomic), is flushed with `fsync`, gets the original file's mode, and is renamed
 * over the original. A symbolic link is followed, so the link stays a link.
 *
 * @example
 * await writeFileAtomic('/repo/src/handler.ts', migratedText);
 */
export async function writeFileAtomic(file: string, content: string | Uint8Array): Promise<void> {
  let target: string;
  let mode: number;
  try {
    target = await realpath(file);
    mode = (await stat(target)).mode & 0o7777;
  } catch (error) {
    throw new AtomicWriteError(file, error);
  }
  // Named so that a later run recognises it if this process is killed before the rename (temporary-files.ts).
  const temporary = temporaryFileFor(target);
  let handle: FileHandle | undefined;
  try {
    // 'wx': never reuse a file that happens to exist under the temporary name.
    handle = await open(temporary, 'wx', mode);
    // The umask trimmed the mode given to open; set it exactly.
    await handle.chmod(mode);
    await handle.writeFile(content);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporary, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    // Nothing may have been created, or it is already gone: only the write's own error matters.
    await unlink(temporary).catch(() => undefined);
    throw new AtomicWriteError(file, error);
  }
}
