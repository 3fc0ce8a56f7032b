/**
 * The rewrite engine: plans each analysed file, emits text edits, verifies that the result parses,
 * and reports what happened. It never writes files (the CLI does, atomically).
 *
 * @example
 * ```ts
 * import { analyseProject } from '../analyse';
 * import { rewriteProject } from './engine';
 * const results = rewriteProject(analyseProject({ files: ['/repo/src/echo.ts'] }));
 * for (const result of results) if (result.status === 'changed') console.log(result.file, result.rules);
 * ```
 */
import { analyseProject } from '../analyse/analyse-project';
import { findManualMarkers } from '../analyse/markers';
import type { FileAnalysis, ProjectAnalysis } from '../analyse/types';
import { dropShimTerminatorType, replaceShimAddressType } from '../emit/address-type';
import { emitHandler, emitRemoval, type StreamsName } from '../emit/handler';
import { importEdits } from '../emit/imports';
import { placeMarker } from '../emit/markers';
import { emitLoopCall, emitServer, emitServerCall } from '../emit/server';
import { applyEdits, detectIndentUnit, type TextEdit } from '../shared/text-edit';

export { detectIndentUnit };
import { planFile } from '../plan/file';
import { TRANSLATION_RULES } from '../plan/rules';
import { findSyntaxProblems } from './verify';

export type FileStatus = 'changed' | 'unchanged' | 'manual' | 'error';

export interface MarkerDecision {
  rule: string;
  reason: string;
  line: number;
  column: number;
}

export interface FileRewrite {
  /** Absolute path. */
  file: string;
  /** 'manual' = left (partly) for a person: markers were added or are present; 'error' = parse error, nothing written. */
  status: FileStatus;
  /** Original text. */
  before: string;
  /** New text (=== before when unchanged / error). */
  after: string;
  /** Rule ids applied or marked in this file (translations and markers), sorted unique. */
  rules: string[];
  /** Every marker in the new text (added by this run or already there), 1-based positions in `after`. */
  markers: MarkerDecision[];
  /** One human line: what happened, or the error. */
  message: string;
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/** Rewrites one analysed file. Never throws: an internal failure is reported as status 'error'. */
/** How a file is rewritten, beyond what the analysis says. */
export interface RewriteFileOptions {
  /**
   * The `limit` emitted where migrated code makes its readers (startServer, openConnection), as
   * source text: 'Infinity' (the default) keeps asynchat's unbounded frames.
   */
  frameLimit?: string;
}

export function rewriteFile(analysis: ProjectAnalysis, file: FileAnalysis, rewriteOptions: RewriteFileOptions = {}): FileRewrite {
  const before = file.sourceFile.getFullText();
  const unchanged = (status: FileStatus, message: string, rules: string[] = []): FileRewrite => ({
    file: file.path,
    status,
    before,
    after: before,
    rules,
    markers: status === 'error' ? [] : findManualMarkers(before).map(({ rule, reason, line, column }) => ({ rule, reason, line, column })),
    message,
  });
  if (file.parseErrors.length > 0) {
    const [first] = file.parseErrors;
    return unchanged('error', `parse error at ${first!.line}:${first!.column}: ${first!.message}`);
  }
  try {
    const plan = planFile(analysis, file);
    const options = { typescript: plan.typescript, indentUnit: detectIndentUnit(before), frameLimit: rewriteOptions.frameLimit ?? 'Infinity' };
    const edits: TextEdit[] = [];
    const streamsNames = new Set<StreamsName>();
    const rules = new Set<string>();
    let handlers = 0;
    let servers = 0;
    let markersAdded = 0;
    for (const decision of plan.decisions) {
      switch (decision.kind) {
        case 'handler': {
          const emitted = emitHandler(before, decision, options);
          edits.push(...emitted.edits);
          for (const name of emitted.streamsNames) streamsNames.add(name);
          decision.rules.forEach((rule) => rules.add(rule));
          handlers += 1;
          break;
        }
        case 'server': {
          const emitted = emitServer(before, decision, options);
          edits.push(...emitted.edits);
          for (const name of emitted.streamsNames) streamsNames.add(name);
          decision.rules.forEach((rule) => rules.add(rule));
          servers += 1;
          break;
        }
        case 'channel-class':
        case 'channel-server': {
          edits.push(...decision.edits);
          for (const name of decision.streamsNames) streamsNames.add(name);
          decision.rules.forEach((rule) => rules.add(rule));
          if (decision.kind === 'channel-class') handlers += 1;
          else servers += 1;
          break;
        }
        case 'server-call':
          edits.push(...emitServerCall(decision));
          decision.rules.forEach((rule) => rules.add(rule));
          break;
        case 'remove-class':
          edits.push(...emitRemoval(before, decision.node));
          decision.rules.forEach((rule) => rules.add(rule));
          handlers += 1;
          break;
        case 'rename':
          edits.push({ start: decision.node.getStart(), end: decision.node.getEnd(), text: decision.text });
          decision.rules.forEach((rule) => rules.add(rule));
          break;
        case 'loop-call':
          edits.push(...emitLoopCall(before, decision));
          decision.rules.forEach((rule) => rules.add(rule));
          break;
        case 'marker': {
          const placed = placeMarker(before, decision.anchor, decision.rule, decision.reason);
          if (placed.edit !== null) {
            edits.push(placed.edit);
            markersAdded += 1;
          }
          rules.add(decision.rule);
          break;
        }
      }
    }
    const translated = handlers + servers > 0 || plan.decisions.some((decision) => decision.kind === 'rename' || decision.kind === 'server-call');
    const imports = translated ? importEdits({ text: before, file, edits, streamsNames, typescript: plan.typescript, commonJs: plan.commonJs }) : [];
    if (imports.length > 0) rules.add(TRANSLATION_RULES.imports);
    let edited = applyEdits(before, [...edits, ...imports]);
    if (translated && plan.typescript) edited = dropShimTerminatorType(replaceShimAddressType(edited, file.path), file.path);
    // Everything went (a base class whose subclasses took over): an empty module, not stray blank lines.
    let after = edited.trim() === '' && before.trim() !== '' ? '' : edited;
    // Removed leading imports must not leave the file starting on a blank line.
    if (/^\s*\n/.test(after) && !/^\s*\n/.test(before)) after = after.replace(/^\s*\n/, '');
    const problems = findSyntaxProblems(after, file.path);
    if (problems.length > 0) {
      const [problem] = problems;
      return unchanged('error', `internal: the rewritten text does not parse (${problem!.line}:${problem!.column}: ${problem!.message}); file left as it was`, [...rules].sort());
    }
    const markers = findManualMarkers(after).map(({ rule, reason, line, column }) => ({ rule, reason, line, column }));
    for (const existing of markers) rules.add(existing.rule);
    const changed = after !== before;
    const status: FileStatus = markers.length > 0 ? 'manual' : changed ? 'changed' : 'unchanged';
    const parts: string[] = [];
    if (handlers > 0) parts.push(`migrated ${plural(handlers, 'handler')}`);
    if (servers > 0) parts.push(`migrated ${plural(servers, 'server')}`);
    const callSites = plan.decisions.filter((decision) => decision.kind === 'server-call').length;
    if (callSites > 0) parts.push(`rewrote ${plural(callSites, 'server start')}`);
    if (markersAdded > 0) parts.push(`added ${plural(markersAdded, 'marker')}`);
    if (markers.length > markersAdded) parts.push(`${plural(markers.length - markersAdded, 'marker')} already present`);
    const message = parts.length > 0 ? parts.join(', ') : changed ? 'rewritten' : 'nothing to rewrite';
    return { file: file.path, status, before, after, rules: [...rules].sort(), markers, message };
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return unchanged('error', `internal error while rewriting: ${reason}; file left as it was`);
  }
}

/** Rewrites every analysed file, sorted by path. */
export function rewriteProject(analysis: ProjectAnalysis): FileRewrite[] {
  return [...analysis.files.values()].sort((left, right) => (left.path < right.path ? -1 : left.path > right.path ? 1 : 0)).map((file) => rewriteFile(analysis, file));
}

/**
 * Single-file entry (used by the jscodeshift adapter and tests): builds a one-file project in
 * memory. Cross-file facts (a subclass in another file, a local re-export module) are not visible.
 *
 * @example
 * const { after, status } = rewriteSource(text, '/repo/src/echo.ts');
 */
export function rewriteSource(source: string, fileName: string): FileRewrite {
  const analysis = analyseProject({ files: [fileName], readText: (path) => (path === fileName ? source : null) });
  const file = analysis.files.get(fileName);
  if (file === undefined) {
    return { file: fileName, status: 'unchanged', before: source, after: source, rules: [], markers: [], message: 'does not use @asynchat/shim' };
  }
  return rewriteFile(analysis, file);
}
