import { relative, sep } from 'node:path';

/** A path relative to `from`, with forward slashes on every platform (the form every output uses). */
export function relativePosixPath(from: string, path: string): string {
  const relativePath = relative(from, path) || '.';
  return sep === '/' ? relativePath : relativePath.split(sep).join('/');
}
