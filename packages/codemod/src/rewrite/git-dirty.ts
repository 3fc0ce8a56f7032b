import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve } from 'node:path';
import { isTemporaryFileName } from '../shared/temporary-files';

/** One path under the target that git sees as not committed. */
export interface UncommittedFile {
  /** Absolute path. */
  path: string;
  /** `modified` covers every change to a tracked file (staged or not, deleted, renamed...). */
  kind: 'modified' | 'untracked';
}

export type WorkingTreeState =
  /** The target is outside any git work tree (or git is not installed): nothing to compare against. */
  | { kind: 'not-a-repository'; reason: string }
  | { kind: 'clean'; roots: string[] }
  | { kind: 'dirty'; roots: string[]; files: UncommittedFile[] };

/**
 * Which files under `targets` have uncommitted changes: tracked files that differ from HEAD
 * (in the index or in the work tree) and untracked files that `.gitignore` does not exclude.
 * Targets in different repositories are each asked of their own repository.
 *
 * @example
 * const state = findUncommittedChanges(['src'], process.cwd());
 * if (state.kind === 'dirty') console.error(state.files.map((file) => file.path).join('\n'));
 */
export function findUncommittedChanges(targets: string[], cwd: string): WorkingTreeState {
  const targetsByRoot = new Map<string, string[]>();
  for (const target of targets) {
    const absolute = isAbsolute(target) ? target : resolve(cwd, target);
    const directory = existsSync(absolute) && statSync(absolute).isDirectory() ? absolute : dirname(absolute);
    const root = repositoryRoot(directory);
    if (root.kind === 'none') return { kind: 'not-a-repository', reason: root.reason };
    const list = targetsByRoot.get(root.path) ?? [];
    list.push(absolute);
    targetsByRoot.set(root.path, list);
  }
  const files: UncommittedFile[] = [];
  for (const [root, rootTargets] of targetsByRoot) {
    const pathspecs = rootTargets.map((target) => relative(root, target) || '.');
    const status = runGit(root, ['--literal-pathspecs', 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...pathspecs]);
    if (status.status !== 0) throw new Error(`git status failed in ${root}: ${status.stderr.trim()}`);
    files.push(...parsePorcelain(status.stdout, root));
  }
  const roots = [...targetsByRoot.keys()];
  if (files.length === 0) return { kind: 'clean', roots };
  files.sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0));
  return { kind: 'dirty', roots, files };
}

type RepositoryRoot = { kind: 'root'; path: string } | { kind: 'none'; reason: string };

function repositoryRoot(directory: string): RepositoryRoot {
  const result = runGit(directory, ['rev-parse', '--show-toplevel']);
  if (result.error) return { kind: 'none', reason: `git is not available (${result.error.message})` };
  if (result.status !== 0) return { kind: 'none', reason: `${directory} is not inside a git work tree` };
  return { kind: 'root', path: resolve(result.stdout.trim()) };
}

function runGit(cwd: string, args: string[]): { status: number | null; stdout: string; stderr: string; error?: Error } {
  const result = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '', ...(result.error ? { error: result.error } : {}) };
}

/**
 * `git status --porcelain=v1 -z`: entries are `XY path\0`; a rename or copy carries its source
 * path as one more NUL-terminated field, which is skipped (the new path is the one in the tree).
 */
function parsePorcelain(output: string, root: string): UncommittedFile[] {
  const fields = output.split('\0');
  const files: UncommittedFile[] = [];
  for (let index = 0; index < fields.length; index += 1) {
    const entry = fields[index];
    if (entry === undefined || entry.length < 4) continue;
    const code = entry.slice(0, 2);
    const path = resolve(root, entry.slice(3));
    if (code === '!!') continue;
    // A rewrite's own temporary file (a killed run's, or a concurrent one's) is not the user's change.
    if (code === '??' && isTemporaryFileName(basename(path))) continue;
    files.push({ path, kind: code === '??' ? 'untracked' : 'modified' });
    if (code.includes('R') || code.includes('C')) index += 1;
  }
  return files;
}
