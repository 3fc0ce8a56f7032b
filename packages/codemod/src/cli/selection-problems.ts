import type { Discovery } from '../discover/discover';
import type { UnreadableSource } from '../discover/source-text';
import { relativePosixPath } from '../report/relative-path';
import type { CliIo } from './io';

/**
 * The per-path problems of a file selection, on stderr: paths that could not be read (errors,
 * exit code 2), symbolic links not followed out of the target and named paths that matched
 * nothing (warnings, hidden by --quiet). Shared by `check` and `rewrite`.
 */
export function writeSelectionProblems(
  io: CliIo,
  command: string,
  cwd: string,
  discovery: Pick<Discovery, 'outsideLinks' | 'unmatched'>,
  unreadable: readonly UnreadableSource[],
  quiet: boolean,
): void {
  for (const { path, reason } of unreadable) io.stderr.write(`asynchat-migrate ${command}: cannot read ${relativePosixPath(cwd, path)}: ${reason}\n`);
  if (quiet) return;
  for (const link of discovery.outsideLinks) {
    io.stderr.write(`asynchat-migrate ${command}: warning: not following ${relativePosixPath(cwd, link.path)}: a symbolic link to ${link.target}, outside the target\n`);
  }
  for (const pattern of discovery.unmatched) io.stderr.write(`asynchat-migrate ${command}: warning: no source files match '${pattern}'\n`);
}
