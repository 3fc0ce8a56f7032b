import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { UsageError } from '../shared/usage-error';
import type { Shard } from '../discover/shard';
import { ModuleResolver } from '../shared/module-resolver';
import { discoverFiles, inShard, prefilterFiles, type Discovery } from '../discover';
import type { UnreadableSource } from '../discover/source-text';
import { groupByImports } from './import-components';

/** What the command line asks for, in the terms file discovery understands. */
export interface SelectionRequest {
  /** Absolute files or directories. */
  paths: string[];
  cwd: string;
  ignore: string[];
  gitignore: boolean;
  shard: Shard | null;
  /** `--tsconfig` (absolute), or undefined to look for tsconfig.json in the cwd, then at the repository root. */
  tsconfig: string | undefined;
  /** With --stdin: the text read from standard input (one path a line); null otherwise. */
  stdinPaths: string | null;
  /** False with --no-error-on-unmatched-pattern (default true: a named path matching nothing is an error). */
  errorOnUnmatchedPattern?: boolean;
}

/** The files of one run. */
export interface RewriteSelection {
  /** The files this run reports on (after ignores and the shard), absolute, sorted. */
  selected: string[];
  /** The files to analyse: every file of the whole selection (all shards) that can reach the shim, absolute, sorted. */
  candidates: string[];
  /** The tsconfig the analysis uses (the one given, or the one found), absolute; undefined when none. */
  tsconfig?: string | undefined;
  /** The text of every file the prefilter read, by absolute path: the in-process analysis reuses it. */
  texts?: ReadonlyMap<string, string>;
  /**
   * The candidates split into groups joined by no import (import-components.ts): each can be
   * analysed alone. Absent: one group of all candidates.
   */
  groupCandidates?: () => string[][];
  /** Directories and files that could not be read (each becomes an error in the report). Absent: none. */
  unreadable?: UnreadableSource[];
  /** What discovery met besides files: links not followed, temporary files, unmatched patterns. Absent: nothing. */
  problems?: Pick<Discovery, 'outsideLinks' | 'temporaryFiles' | 'unmatched'>;
}

/**
 * Discovers the files of a rewrite (extensions, .gitignore with negations, --ignore, --stdin) and
 * splits them in two: what this run reports on (its `--shard`) and what the analysis must see.
 * The tsconfig is found as `check` finds it (tsconfig.json in the cwd, then at the repository root).
 * The shard applies to the report only: every shard analyses all candidates, so a class whose
 * base class lives in another shard is recognised the same way in every shard.
 *
 * @example
 * const { selected, candidates } = await selectRewriteFiles({ paths: ['/repo/src'], cwd: '/repo', ignore: [], gitignore: true, shard: { index: 1, count: 2 }, tsconfig: undefined, stdinPaths: null });
 */
export async function selectRewriteFiles(request: SelectionRequest): Promise<RewriteSelection> {
  const discovery = discoverFiles({
    cwd: request.cwd,
    paths: request.paths,
    ignore: request.ignore,
    gitignore: request.gitignore,
    ...(request.errorOnUnmatchedPattern === false ? { errorOnUnmatchedPattern: false } : {}),
    ...(request.stdinPaths !== null ? { stdinPaths: request.stdinPaths.split(/\r?\n/) } : {}),
  });
  const tsconfig = findTsconfig(request.tsconfig, request.cwd, discovery.root);
  const aliasResolver = tsconfig ? aliasResolverOf(tsconfig) : undefined;
  const resolver = new ModuleResolver(aliasResolver, discovery.files);
  const aliasesPossible = aliasResolver !== undefined;
  const prefilter = prefilterFiles(discovery.files, { resolver, aliasesPossible });
  const candidates = [...prefilter.candidates].sort();
  const shard = request.shard;
  const selected = shard
    ? discovery.files.filter((file) => inShard(relative(discovery.root, file).split(sep).join('/'), shard))
    : discovery.files;
  return {
    selected,
    candidates,
    tsconfig,
    texts: prefilter.texts,
    groupCandidates: () => groupByImports(candidates, prefilter.texts, resolver, { aliasesPossible, reachingShim: prefilter.reachingShim }),
    unreadable: [...discovery.unreadable, ...prefilter.unreadable],
    problems: { outsideLinks: discovery.outsideLinks, temporaryFiles: discovery.temporaryFiles, unmatched: discovery.unmatched },
  };
}

/** The tsconfig to use, as `check` finds it: the one given, else tsconfig.json in the cwd, else at the repository root. */
function findTsconfig(given: string | undefined, cwd: string, root: string): string | undefined {
  if (given !== undefined) {
    if (!existsSync(given)) throw new UsageError(`--tsconfig ${given}: no such file`);
    return given;
  }
  for (const directory of [cwd, root]) {
    const path = join(directory, 'tsconfig.json');
    if (existsSync(path)) return path;
  }
  return undefined;
}

/** The `paths` / `baseUrl` resolver of a tsconfig. Loads TypeScript, so only when there is a tsconfig. */
function aliasResolverOf(tsconfig: string): ((specifier: string, containingFile: string) => string | null) | undefined {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { aliasResolverFor, readTsconfigOptions } = require('../analyse/tsconfig-options') as typeof import('../analyse/tsconfig-options');
  return aliasResolverFor(readTsconfigOptions(tsconfig));
}
