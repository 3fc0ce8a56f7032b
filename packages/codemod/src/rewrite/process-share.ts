import { readFileSync } from 'node:fs';
import { relative, sep } from 'node:path';
import type { AnalyseOptions, FileAnalysis, ProjectAnalysis } from '../analyse/types';
import type { FileRewrite } from './engine';
import { unifiedDiff } from './diff';
import type { FileOutcome } from './outcome';
import { findSyntaxProblems } from './verify';
import { writeFileAtomic } from './write-atomic';

/** What the CLI does with a rewritten file. */
export type RewriteMode = 'write' | 'dry' | 'check';

/** The analysis and the transformation, passed in so that tests can run the pipeline on a stub. */
export interface RewriteEngine {
  analyseProject(options: AnalyseOptions): ProjectAnalysis;
  rewriteFile(analysis: ProjectAnalysis, file: FileAnalysis): FileRewrite;
}

/** One process's (or worker's) part of a run. Plain data: it crosses the worker boundary. */
export interface ShareRequest {
  /** Every candidate file of the run (absolute, sorted): the analysis sees all of them, so cross-file chains resolve the same way in every worker. */
  candidates: string[];
  /** The files this run reports on (its shard), absolute; other candidates are only context. */
  selected: string[];
  tsconfig?: string;
  /** This share is every `workerCount`-th analysed file, starting at `workerIndex`. */
  workerIndex: number;
  workerCount: number;
  mode: RewriteMode;
  /** Diffs name files relative to this directory. */
  cwd: string;
}

export interface ShareProgress {
  /** How many files this share will rewrite, known once the analysis is done. */
  planned(count: number): void;
  advanced(count: number): void;
}

/**
 * Analyses the candidates, then rewrites, verifies and writes (or diffs) this share's files. A
 * failure on one file becomes that file's `error` outcome and the share goes on; only a failure of
 * the whole analysis throws.
 *
 * `texts` (path to text) saves reading again what the caller has already read.
 *
 * @example
 * const outcomes = processShare({ candidates, selected: candidates, workerIndex: 0, workerCount: 1, mode: 'dry', cwd }, engine);
 */
export function processShare(request: ShareRequest, engine: RewriteEngine, progress?: ShareProgress, texts?: Map<string, string>): FileOutcome[] {
  const analysis = engine.analyseProject({
    files: request.candidates,
    ...(request.tsconfig ? { tsconfig: request.tsconfig } : {}),
    // Files already read by the main thread's prefilter are not read again.
    ...(texts ? { readText: (path: string) => texts.get(path) ?? readTextOrNull(path) } : {}),
  });
  const selected = new Set(request.selected);
  const analysed = [...analysis.files.keys()].filter((file) => selected.has(file)).sort();
  const mine = analysed.filter((_, index) => index % request.workerCount === request.workerIndex);
  progress?.planned(mine.length);
  const outcomes: FileOutcome[] = [];
  for (const file of mine) {
    const fileAnalysis = analysis.files.get(file);
    if (fileAnalysis) outcomes.push(processFile(request, engine, analysis, fileAnalysis));
    progress?.advanced(1);
  }
  return outcomes;
}

function processFile(request: ShareRequest, engine: RewriteEngine, analysis: ProjectAnalysis, fileAnalysis: FileAnalysis): FileOutcome {
  const file = fileAnalysis.path;
  let rewrite: FileRewrite;
  try {
    rewrite = engine.rewriteFile(analysis, fileAnalysis);
  } catch (error) {
    return errorOutcome(file, `the rewrite failed, file left untouched: ${describe(error)}`);
  }
  if (rewrite.status === 'error') {
    return { file, status: 'error', rules: rewrite.rules, markers: rewrite.markers, message: rewrite.message, differs: false };
  }
  const differs = rewrite.after !== rewrite.before;
  // The engine's status and its text must agree; when they do not, the text is what would be written.
  const status = rewrite.status === 'changed' && !differs ? 'unchanged' : rewrite.status === 'unchanged' && differs ? 'changed' : rewrite.status;
  const outcome: FileOutcome = { file, status, rules: rewrite.rules, markers: rewrite.markers, message: rewrite.message, differs };
  if (!differs) return outcome;

  const problems = findSyntaxProblems(rewrite.after, file);
  if (problems.length > 0) {
    const first = problems[0]!;
    return errorOutcome(file, `the rewritten text does not parse (${first.line}:${first.column} ${first.message}); file left untouched`, rewrite.rules);
  }
  if (request.mode === 'dry') {
    outcome.diff = unifiedDiff(relative(request.cwd, file).split(sep).join('/'), rewrite.before, rewrite.after);
  }
  if (request.mode !== 'write') return outcome;

  try {
    // Someone (an editor, a formatter) may have saved the file since it was read: never overwrite that.
    if (readFileSync(file, 'utf8') !== rewrite.before) {
      return errorOutcome(file, 'the file changed on disk during the run; left as it is now', rewrite.rules);
    }
    writeFileAtomic(file, rewrite.after);
  } catch (error) {
    return errorOutcome(file, `${describe(error)}; file left untouched`, rewrite.rules);
  }
  return outcome;
}

function readTextOrNull(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function errorOutcome(file: string, message: string, rules: string[] = []): FileOutcome {
  return { file, status: 'error', rules, markers: [], message, differs: false };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
