import { createTwoFilesPatch } from 'diff';

/**
 * A unified diff of one file, with `a/` and `b/` prefixes so that `git apply` (and `patch -p1`)
 * accept it from the repository root. `file` is the path relative to where the patch is applied,
 * with forward slashes.
 *
 * @example
 * process.stdout.write(unifiedDiff('src/handler.ts', before, after));
 */
export function unifiedDiff(file: string, before: string, after: string): string {
  const patch = createTwoFilesPatch(`a/${file}`, `b/${file}`, before, after, undefined, undefined, {
    context: 3,
    headerOptions: { includeIndex: false, includeUnderline: false, includeFileHeaders: true },
  });
  // A git-style header line lets `git apply` and review tools name the file without guessing.
  return `diff --git a/${file} b/${file}\n${patch}`;
}
