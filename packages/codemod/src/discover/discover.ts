import { existsSync, lstatSync, readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { globSync, isDynamicPattern } from 'tinyglobby';
import { isSourceFile } from '../shared/source-extensions';
import { isTemporaryFileName } from '../shared/temporary-files';
import { GitignoreRules } from './gitignore';
import { inShard } from './shard';
import { describeFileSystemError, type UnreadableSource } from './source-text';

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
  /**
   * A named path or glob that matches no source file is an error (default true), as in ESLint:
   * a typo in CI must not pass as "0 files checked". False: it is listed in `unmatched` instead.
   */
  errorOnUnmatchedPattern?: boolean;
}

/** A symbolic link that was not followed because it leads out of the tree being walked. */
export interface OutsideLink {
  path: string;
  /** Where it points (resolved). */
  target: string;
}

export interface Discovery {
  /** Absolute paths, sorted, without duplicates. */
  files: string[];
  /** The git work tree root (or the cwd outside one): .gitignore files and shard hashes are relative to it. */
  root: string;
  /** Paths that were named but do not exist (stdin paths only: deleted files in a diff). */
  missing: string[];
  /** Directories (and named files) that could not be read, with the reason: reported, and exit code 2. */
  unreadable: UnreadableSource[];
  /** Symbolic links to files outside the tree being walked: never followed (a rewrite would write outside the target). */
  outsideLinks: OutsideLink[];
  /** Temporary files of atomic writes met on the walk (temporary-files.ts): a killed run's leftovers, or a running one's. */
  temporaryFiles: string[];
  /** Named paths and globs that matched no source file (only with errorOnUnmatchedPattern false). */
  unmatched: string[];
}

/** A named path that does not exist (command-line paths only; stdin paths are skipped quietly). */
export class MissingPathError extends Error {
  override readonly name = 'MissingPathError';
  constructor(readonly path: string) {
    super(`no such file or directory: ${path}`);
  }
}

/** A named path or glob that matched no source file (exit code 2 unless --no-error-on-unmatched-pattern). */
export class UnmatchedPatternError extends Error {
  override readonly name = 'UnmatchedPatternError';
  constructor(readonly path: string) {
    super(`no source files match '${path}' (pass --no-error-on-unmatched-pattern to allow this)`);
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
  const errorOnUnmatched = options.errorOnUnmatchedPattern !== false;
  const found = new Set<string>();
  const missing: string[] = [];
  const unreadable: UnreadableSource[] = [];
  const outsideLinks: OutsideLink[] = [];
  const temporaryFiles: string[] = [];
  const unmatched: string[] = [];
  // Source files the current named path reached (counted before de-duplication across paths, and
  // whether or not an ignore rule then dropped them: ignoring what one names is deliberate).
  let reached = 0;
  const add = (path: string): void => {
    found.add(path);
    reached += 1;
  };

  const isIgnored = (path: string, isDirectory: boolean): boolean => {
    if (gitignore?.isIgnored(path, isDirectory)) return true;
    if (extraIgnore) {
      const fromCwd = relative(cwd, path);
      if (fromCwd !== '' && !fromCwd.startsWith('..') && extraIgnore.ignores(toPosix(fromCwd) + (isDirectory ? '/' : ''))) return true;
    }
    return false;
  };

  /**
   * A symbolic link to a source file is never followed out of `tree` (reported), and never
   * followed inside it either: its target is walked on its own, and a file rewritten through two
   * names would be rewritten twice. Links to directories are not walked (cycles, and trees
   * outside the target).
   */
  const visitLink = (path: string, tree: string): void => {
    let target: string;
    try {
      target = realpathSync(path);
    } catch {
      return; // A dangling link: there is no file to read.
    }
    if (!isInside(target, tree) && safeStat(target)?.isFile()) outsideLinks.push({ path, target });
  };

  const walk = (directory: string, tree: string): void => {
    let entries: Dirent[];
    try {
      entries = readdirSync(directory, { withFileTypes: true });
    } catch (error) {
      unreadable.push({ path: directory, reason: describeFileSystemError(error) });
      return;
    }
    for (const entry of entries) {
      const path = join(directory, entry.name);
      if (entry.isDirectory()) {
        if (ALWAYS_SKIPPED_DIRECTORIES.includes(entry.name) || isIgnored(path, true)) continue;
        walk(path, tree);
      } else if (entry.isFile() && isTemporaryFileName(entry.name)) {
        temporaryFiles.push(path);
      } else if (isSourceFile(entry.name)) {
        if (isIgnored(path, false)) reached += 1;
        else if (entry.isSymbolicLink()) visitLink(path, tree);
        else if (entry.isFile()) add(path);
      }
    }
  };

  const visit = (path: string, quietWhenMissing: boolean): void => {
    let stats;
    try {
      stats = statSync(path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') {
        unreadable.push({ path, reason: describeFileSystemError(error) });
        return;
      }
      if (!quietWhenMissing && errorOnUnmatched) throw new MissingPathError(relative(cwd, path) || path);
      missing.push(path);
      return;
    }
    if (stats.isDirectory()) {
      if (path !== root && isIgnored(path, true)) {
        reached += 1;
        return;
      }
      // A named directory is walked even through a link (the user named it); its own links stay inside it.
      walk(path, safeRealpath(path));
    } else if (stats.isFile() && isSourceFile(path)) {
      if (isIgnored(path, false)) {
        reached += 1;
        return;
      }
      if (lstatSync(path).isSymbolicLink()) {
        const target = safeRealpath(path);
        if (!isInside(target, safeRealpath(root))) {
          outsideLinks.push({ path, target });
          return;
        }
      }
      add(path);
      for (const name of safeReaddir(dirname(path))) {
        if (isTemporaryFileName(name) && name.startsWith(`.${basename(path)}.`)) temporaryFiles.push(join(dirname(path), name));
      }
    }
  };

  if (options.stdinPaths) {
    for (const line of options.stdinPaths) {
      const trimmed = line.trim();
      if (trimmed !== '') visit(resolve(cwd, trimmed), true);
    }
  } else {
    const named = options.paths && options.paths.length > 0;
    for (const given of named ? (options.paths as string[]) : ['.']) {
      reached = 0;
      const unreadableBefore = unreadable.length;
      const path = resolve(cwd, given);
      // Callers may pass paths made absolute; messages and globs use the form relative to the cwd.
      const pattern = isAbsolute(given) && isInside(path, cwd) ? toPosix(relative(cwd, path)) || '.' : given;
      if (!existsSync(path) && isDynamicPattern(toPosix(pattern))) {
        for (const match of expandGlob(pattern, cwd)) visit(match, true);
      } else {
        visit(path, false);
      }
      // The implicit '.' may hold no source file (a note says so); a path or glob the user named may not.
      if (named && reached === 0 && unreadable.length === unreadableBefore) {
        if (errorOnUnmatched) throw new UnmatchedPatternError(pattern);
        unmatched.push(pattern);
      }
    }
  }

  let files = [...found].sort();
  const shard = options.shard;
  if (shard) files = files.filter((file) => inShard(toPosix(relative(root, file)), shard));
  return { files, root, missing, unreadable, outsideLinks, temporaryFiles: [...new Set(temporaryFiles)].sort(), unmatched };
}

/**
 * The files and directories a glob names (tinyglobby, the matcher of Vite and ESLint's ecosystem),
 * relative to the cwd, sorted. Directories are walked as if named; dependency and build trees are
 * never entered, and links are not followed.
 */
function expandGlob(pattern: string, cwd: string): string[] {
  const matches = globSync([toPosix(pattern)], {
    cwd,
    absolute: true,
    onlyFiles: false,
    followSymbolicLinks: false,
    ignore: ALWAYS_SKIPPED_DIRECTORIES.map((directory) => `**/${directory}/**`),
  });
  return matches.map((match) => resolve(match)).sort();
}

/**
 * The directory a glob cannot match outside of: its leading segments without glob syntax
 * (`src/net/*.ts` gives `src/net`). What the uncommitted-changes guard asks git about.
 *
 * @example
 * ```ts
 * globBase('src/net/*.ts'); // 'src/net'
 * ```
 */
export function globBase(pattern: string): string {
  const segments = toPosix(pattern).split('/');
  const firstDynamic = segments.findIndex((segment) => isDynamicPattern(segment));
  if (firstDynamic === -1) return pattern;
  const base = segments.slice(0, firstDynamic).join('/');
  return base === '' ? (pattern.startsWith('/') ? '/' : '.') : base;
}

/** True for a command-line path that is a glob to expand (it has glob syntax and names no existing file). */
export function isGlobPattern(pattern: string, cwd: string): boolean {
  return isDynamicPattern(toPosix(pattern)) && !existsSync(resolve(cwd, pattern));
}

function isInside(path: string, tree: string): boolean {
  const fromTree = relative(tree, path);
  return fromTree === '' || (!fromTree.startsWith('..') && !fromTree.startsWith(sep) && !/^[a-zA-Z]:/.test(fromTree));
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function safeStat(path: string): ReturnType<typeof statSync> | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

function safeReaddir(directory: string): string[] {
  try {
    return readdirSync(directory);
  } catch {
    return [];
  }
}
