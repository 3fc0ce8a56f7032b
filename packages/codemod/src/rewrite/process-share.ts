import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import type { AnalyseOptions, FileAnalysis, ProjectAnalysis } from '../analyse/types';
import type { FileRewrite, RewriteFileOptions } from './engine';
import { batchGroups } from './analysis-batches';
import { unifiedDiff } from './diff';
import type { FileOutcome } from './outcome';
import { findSyntaxProblems } from './verify';
import { restoreLineEndings } from './restore-line-endings';
import { encodeSourceText, isUnreadable, readSourceText, type InvalidUtf8 } from '../discover/source-text';
import { writeFileAtomic } from './write-atomic';

/** What the CLI does with a rewritten file. */
export type RewriteMode = 'write' | 'dry' | 'check';

/** The analysis and the transformation, passed in so that tests can run the pipeline on a stub. */
export interface RewriteEngine {
  analyseProject(options: AnalyseOptions): ProjectAnalysis;
  rewriteFile(analysis: ProjectAnalysis, file: FileAnalysis, options?: RewriteFileOptions): FileRewrite;
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
  /** --frame-limit: the readers' `limit` in migrated code (absent: unbounded, as asynchat). */
  frameLimit?: number;
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
  const groupOf = new Map<string, string[]>();
  for (const group of request.groups) for (const file of group) groupOf.set(file, group);
  const outcomes: FileOutcome[] = [];
  const writes: PendingWrite[] = [];
  const analyseAndProcess = (files: string[]): Map<string, ProcessedFile> => {
    const analysis = engine.analyseProject({
      files,
      ...(request.tsconfig ? { tsconfig: request.tsconfig } : {}),
      // Files already read by the main thread's prefilter are not read again; the analysis's own
      // reader decodes the same way (source-text.ts).
      ...(texts ? { readText: (path: string) => texts.get(path) ?? readSourceTextOrNull(path) } : {}),
    });
    const processed = new Map<string, ProcessedFile>();
    for (const file of files) {
      const fileAnalysis = selected.has(file) ? analysis.files.get(file) : undefined;
      if (fileAnalysis) processed.set(file, processFile(request, engine, analysis, fileAnalysis));
    }
    return processed;
  };
  for (const batch of batchGroups(request.groups)) {
    const processed = processIsolatingFailures(batch, groupOf, selected, analyseAndProcess);
    for (const file of batch) {
      if (!selected.has(file)) continue;
      const result = processed.get(file);
      if (result) {
        outcomes.push(result.outcome);
        if (result.write) writes.push(result.write);
      }
      progress?.advanced(1);
    }
  }
  await runWrites(writes);
  return outcomes;
}

interface ProcessedFile {
  outcome: FileOutcome;
  write?: PendingWrite;
}

/**
 * A batch packs independent import groups into one analysis for speed. A file that breaks the
 * analysis (or gets an error) must not take unrelated files down with it: when a batch of several
 * groups fails or reports an error, every group holding a failure is analysed again on its own, so
 * a bad file only ever affects its own import group.
 */
function processIsolatingFailures(
  batch: string[],
  groupOf: ReadonlyMap<string, string[]>,
  selected: ReadonlySet<string>,
  analyseAndProcess: (files: string[]) => Map<string, ProcessedFile>,
): Map<string, ProcessedFile> {
  const attempt = (files: string[]): Map<string, ProcessedFile> | Error => {
    try {
      return analyseAndProcess(files);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  };
  const failedWhole = (files: string[], error: Error): Map<string, ProcessedFile> =>
    new Map(files.filter((file) => selected.has(file)).map((file) => [file, { outcome: errorOutcome(file, `the analysis failed, file left untouched: ${error.message}`) }]));
  const first = attempt(batch);
  const groups = [...new Set(batch.map((file) => groupOf.get(file) ?? [file]))];
  const hasFailure = (result: Map<string, ProcessedFile> | Error, files: string[]): boolean =>
    result instanceof Error || files.some((file) => result.get(file)?.outcome.status === 'error');
  if (groups.length <= 1 || !hasFailure(first, batch)) return first instanceof Error ? failedWhole(batch, first) : first;
  const merged = first instanceof Error ? new Map<string, ProcessedFile>() : first;
  for (const group of groups) {
    if (!hasFailure(first, group)) continue;
    const alone = attempt([...group].sort());
    const results = alone instanceof Error ? failedWhole(group, alone) : alone;
    for (const file of group) {
      const result = results.get(file);
      if (result) merged.set(file, result);
      else merged.delete(file);
    }
  }
  return merged;
}

/** Verified bytes waiting to be written over `outcome.file`, whose bytes must still be `before`. */
interface PendingWrite {
  outcome: FileOutcome;
  before: Buffer;
  after: Buffer;
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
        if (!(await readFile(write.outcome.file)).equals(write.before)) {
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

function processFile(request: ShareRequest, engine: RewriteEngine, analysis: ProjectAnalysis, fileAnalysis: FileAnalysis): ProcessedFile {
  const file = fileAnalysis.path;
  let rewrite: FileRewrite;
  try {
    rewrite = engine.rewriteFile(analysis, fileAnalysis, request.frameLimit === undefined ? {} : { frameLimit: String(request.frameLimit) });
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
  // The engine saw the decoded text (no BOM, \n line ends): the file's own bytes come back here.
  const source = readSourceText(file);
  if (isUnreadable(source)) return { outcome: errorOutcome(file, `cannot read the file again: ${source.reason}; file left untouched`, rewrite.rules) };
  if (source.text !== rewrite.before) return { outcome: errorOutcome(file, 'the file changed on disk during the run; left as it is now', rewrite.rules) };
  if (source.invalidUtf8) return { outcome: errorOutcome(file, invalidUtf8Message(source.invalidUtf8), rewrite.rules) };
  const onDiskAfter = restoreLineEndings(source.onDisk, rewrite.after);
  if (request.mode === 'dry') {
    outcome.diff = unifiedDiff(relative(request.cwd, file).split(sep).join('/'), source.onDisk, onDiskAfter);
  }
  if (request.mode !== 'write') return { outcome };
  return { outcome, write: { outcome, before: encodeSourceText(source.onDisk, source.bom), after: encodeSourceText(onDiskAfter, source.bom) } };
}

/** Why a file that is not UTF-8 is refused: writing the decoded text back would replace the bytes it could not decode. */
function invalidUtf8Message(invalid: InvalidUtf8): string {
  const byte = invalid.byte.toString(16).toUpperCase().padStart(2, '0');
  return (
    `not valid UTF-8 (byte 0x${byte} at line ${invalid.line}, byte ${invalid.column}); rewriting it would replace the bytes that do not decode: ` +
    'convert the file to UTF-8 (e.g. iconv -f latin1 -t utf-8) and run again; file left untouched'
  );
}

function readSourceTextOrNull(path: string): string | null {
  const read = readSourceText(path);
  return isUnreadable(read) ? null : read.text;
}

function errorOutcome(file: string, message: string, rules: string[] = []): FileOutcome {
  return { file, status: 'error', rules, markers: [], message, differs: false };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
