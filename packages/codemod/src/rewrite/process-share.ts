import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { AnalyseOptions, FileAnalysis, ProjectAnalysis } from '../analyse/types';
import type { FileRewrite } from './engine';
import { batchGroups } from './analysis-batches';
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
  /**
   * The files to analyse (absolute), as import groups (import-components.ts): a group is always
   * analysed whole, so cross-file chains resolve in a share exactly as in the whole project.
   */
  groups: string[][];
  /** The files the run reports on (its shard), absolute; other candidates are only context. */
  selected: string[];
  tsconfig?: string;
  mode: RewriteMode;
  /** Diffs name files relative to this directory. */
  cwd: string;
}

export interface ShareProgress {
  /** How many files this share will look at (its selected candidates). */
  planned(count: number): void;
  advanced(count: number): void;
}

/**
 * Analyses the share's groups batch by batch, then rewrites, verifies and writes (or diffs) the
 * selected files. A failure on one file becomes that file's `error` outcome and the share goes on;
 * only a failure of a whole analysis throws.
 *
 * `texts` (path to text) saves reading again what the caller has already read.
 *
 * @example
 * const outcomes = await processShare({ groups: [candidates], selected: candidates, mode: 'dry', cwd }, engine);
 */
export async function processShare(request: ShareRequest, engine: RewriteEngine, progress?: ShareProgress, texts?: ReadonlyMap<string, string>): Promise<FileOutcome[]> {
  const selected = new Set(request.selected);
  progress?.planned(request.groups.reduce((count, group) => count + group.filter((file) => selected.has(file)).length, 0));
  const outcomes: FileOutcome[] = [];
  const writes: PendingWrite[] = [];
  for (const batch of batchGroups(request.groups)) {
    const analysis = engine.analyseProject({
      files: batch,
      ...(request.tsconfig ? { tsconfig: request.tsconfig } : {}),
      // Files already read by the main thread's prefilter are not read again.
      ...(texts ? { readText: (path: string) => texts.get(path) ?? readTextOrNull(path) } : {}),
    });
    for (const file of batch) {
      if (!selected.has(file)) continue;
      const fileAnalysis = analysis.files.get(file);
      if (fileAnalysis) {
        const processed = processFile(request, engine, analysis, fileAnalysis);
        outcomes.push(processed.outcome);
        if (processed.write) writes.push(processed.write);
      }
      progress?.advanced(1);
    }
  }
  await runWrites(writes);
  return outcomes;
}

/** A verified text waiting to be written over `outcome.file`, whose text must still be `before`. */
interface PendingWrite {
  outcome: FileOutcome;
  before: string;
  after: string;
}

/**
 * Writes run a few at a time: each one's fsync waits on the disk, and overlapping them (libuv's
 * thread pool) hides most of that wait. A failure turns that file's outcome into an error; the
 * others go on.
 */
async function runWrites(writes: PendingWrite[]): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < writes.length; index = next++) {
      const write = writes[index]!;
      try {
        // Someone (an editor, a formatter) may have saved the file since it was read: never overwrite that.
        if ((await readFile(write.outcome.file, 'utf8')) !== write.before) {
          markFailed(write.outcome, 'the file changed on disk during the run; left as it is now');
          continue;
        }
        await writeFileAtomic(write.outcome.file, write.after);
      } catch (error) {
        markFailed(write.outcome, `${describe(error)}; file left untouched`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITE_CONCURRENCY, writes.length) }, lane));
}

const WRITE_CONCURRENCY = 8;

function markFailed(outcome: FileOutcome, message: string): void {
  outcome.status = 'error';
  outcome.message = message;
  outcome.markers = [];
  outcome.differs = false;
}

function processFile(
  request: ShareRequest,
  engine: RewriteEngine,
  analysis: ProjectAnalysis,
  fileAnalysis: FileAnalysis,
): { outcome: FileOutcome; write?: PendingWrite } {
  const file = fileAnalysis.path;
  let rewrite: FileRewrite;
  try {
    rewrite = engine.rewriteFile(analysis, fileAnalysis);
  } catch (error) {
    return { outcome: errorOutcome(file, `the rewrite failed, file left untouched: ${describe(error)}`) };
  }
  if (rewrite.status === 'error') {
    return { outcome: { file, status: 'error', rules: rewrite.rules, markers: rewrite.markers, message: rewrite.message, differs: false } };
  }
  const differs = rewrite.after !== rewrite.before;
  // The engine's status and its text must agree; when they do not, the text is what would be written.
  const status = rewrite.status === 'changed' && !differs ? 'unchanged' : rewrite.status === 'unchanged' && differs ? 'changed' : rewrite.status;
  const outcome: FileOutcome = { file, status, rules: rewrite.rules, markers: rewrite.markers, message: rewrite.message, differs };
  if (!differs) return { outcome };

  const problems = findSyntaxProblems(rewrite.after, file);
  if (problems.length > 0) {
    const first = problems[0]!;
    return { outcome: errorOutcome(file, `the rewritten text does not parse (${first.line}:${first.column} ${first.message}); file left untouched`, rewrite.rules) };
  }
  if (request.mode === 'dry') {
    outcome.diff = unifiedDiff(relative(request.cwd, file).split(sep).join('/'), rewrite.before, rewrite.after);
  }
  if (request.mode !== 'write') return { outcome };
  return { outcome, write: { outcome, before: rewrite.before, after: rewrite.after } };
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
