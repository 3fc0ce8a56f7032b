import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { isSourceFile } from '../analyse/source-extensions';
import { GitignoreRules } from './gitignore';
import { inShard } from './shard';

/** Directories never walked into, whatever the ignore files say. */
export const ALWAYS_SKIPPED_DIRECTORIES: readonly string[] = ['node_modules', 'dist', '.git'];

export interface DiscoverOptions {
  /** Relative paths (arguments, stdin lines, `ignore` patterns) are taken from here. */
  cwd: string;
  /** Files and directories to look in; default: the cwd. */
  paths?: string[];
  /** Paths read from stdin (`--stdin`): used instead of `paths`; paths that do not exist are skipped quietly. */
  stdinPaths?: string[];
  /** gitignore-syntax patterns relative to the cwd (`--ignore`, repeatable). */
  ignore?: string[];
  /** Honour .gitignore files (default true). */
  gitignore?: boolean;
  /** 1-based shard (`--shard i/n`). */
  shard?: { index: number; count: number };
}

export interface Discovery {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** The git work tree root (or the cwd outside one): .gitignore files and shard hashes are relative to it. */
  root: string;
  /** Paths that were named but do not exist (stdin paths only: deleted files in a diff). */
  missing: string[];
}

/** A named path that does not exist (command-line paths only; stdin paths are skipped quietly). */
export class MissingPathError extends Error {
  override readonly name = 'MissingPathError';
  constructor(readonly path: string) {
    super(`no such file or directory: ${path}`);
  }
}

/** The enclosing git work tree (a directory holding `.git`), or null. */
export function findGitRoot(start: string): string | null {
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    if (existsSync(join(directory, '.git'))) return directory;
    if (dirname(directory) === directory) return null;
  }
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Paths to source files (.ts .tsx .mts .cts .js .jsx .mjs .cjs, never .d.ts), shared by `check`
 * and `rewrite`: walks directories (skipping node_modules, dist, .git), honours `.gitignore` files
 * (nested ones and negations included) and `ignore` patterns, then keeps the requested shard.
 *
 * @example
 * ```ts
 * const { files } = discoverFiles({ cwd: '/repo', paths: ['src'], ignore: ['src/generated/**'], shard: { index: 1, count: 2 } });
 * ```
 */
export function discoverFiles(options: DiscoverOptions): Discovery {
  const cwd = resolve(options.cwd);
  const root = findGitRoot(cwd) ?? cwd;
  const gitignore = options.gitignore === false ? null : new GitignoreRules(root);
  const extraIgnore: Ignore | null = options.ignore && options.ignore.length > 0 ? ignore().add(options.ignore) : null;
  const found = new Set<string>();
  const missing: string[] = [];

  const isIgnored = (path: string, isDirectory: boolean): boolean => {
    if (gitignore?.isIgnored(path, isDirectory)) return true;
    if (extraIgnore) {
      const fromCwd = relative(cwd, path);
      if (fromCwd !== '' && !fromCwd.startsWith('..') && extraIgnore.ignores(toPosix(fromCwd) + (isDirectory ? '/' : ''))) return true;
    }
    return false;
  };

  const walk = (directory: string): void => {
    let entries;
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRECTORIES.includes(entry.name) || isIgnored(path, true)) continue;
        walk(path);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && isSourceFile(entry.name) && !isIgnored(path, false)) {
        found.add(path);
      }
    }
  };

  const visit = (path: string, quietWhenMissing: boolean): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch {
      if (!quietWhenMissing) throw new MissingPathError(relative(cwd, path) || path);
      missing.push(path);
      return;
    }
    if (stats.isDirectory()) {
      if (path !== root && isIgnored(path, true)) return;
      walk(path);
    } else if (stats.isFile() && isSourceFile(path) && !isIgnored(path, false)) {
      found.add(path);
    }
  };

  if (options.stdinPaths) {
    for (const line of options.stdinPaths) {
      const trimmed = line.trim();
      if (trimmed !== '') visit(resolve(cwd, trimmed), true);
    }
  } else {
    const paths = options.paths && options.paths.length > 0 ? options.paths : ['.'];
    for (const path of paths) visit(resolve(cwd, path), false);
  }

  let files = [...found].sort();
  const shard = options.shard;
  if (shard) files = files.filter((file) => inShard(toPosix(relative(root, file)), shard));
  return { files, root, missing };
}
