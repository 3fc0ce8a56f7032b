/**
 * `@asynchat/codemod/rules`: `check`'s rule table and `check`'s findings for one file at a time,
 * for linters and editors (@asynchat/eslint-plugin). One source of truth: the ids, summaries and
 * help are the table `check` prints and puts in SARIF, and the findings come from the same engine
 * and the same message builders (`collectFindings`), so a file gets exactly the findings
 * `asynchat-migrate check` would report for it when run in `cwd`.
 *
 * Cost: a linter asks file by file, and analysing each file with its imports again would make a
 * lint run cost one project analysis per file. So the answers are cached per (cwd, mode): the
 * first file or two are analysed on their own (an editor, lint-staged), and from the next one on
 * the whole project under `cwd` is analysed once, as `check` would, and every further file is a
 * lookup. A file whose text differs from what the analysis read (an editor's unsaved buffer, a
 * `--fix` pass) is analysed on its own with that text. Files the analysis read are re-stat'ed at
 * most once a second; a changed modification time or size drops the cache.
 *
 * @example
 * ```ts
 * import { findingsForFile, RULES } from '@asynchat/codemod/rules';
 * for (const finding of findingsForFile({ file: '/repo/src/echo.ts', text, cwd: '/repo' })) {
 *   console.log(finding.line, finding.column, finding.rule, finding.message, RULES[finding.rule].help);
 * }
 * ```
 */
import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import type { ts } from 'ts-morph';
import type { RawProjectAnalysis } from './analyse/raw-analysis';
import type { TypeFallback } from './analyse/type-fallback';
import type { LocatedFinding } from './report/finding';
import type { CheckRuleId } from './report/rules';

export { RULES, CHECK_RULE_IDS, type CheckRuleId, type RuleDescription } from './report/rules';

/** A type checker's program to answer type questions with, instead of building one from the tsconfig. */
export interface TypeInformation {
  /** A TypeScript `Program` (typescript-eslint's `parserServices.program`). */
  program: unknown;
  /**
   * `TypeFlags.Object` of the TypeScript the program was built with: the flags' values change
   * between TypeScript versions, and the engine's own copy may be another version.
   */
  objectTypeFlag: number;
}

export interface FileFindingsRequest {
  /** Absolute path of the file. */
  file: string;
  /** The file's text as the caller sees it (may differ from the disk); a leading BOM is ignored. */
  text: string;
  /** Where `check` would run: the project under it is analysed, and paths in messages are relative to it. */
  cwd: string;
  /** Type information, when the caller has it (see {@link TypeInformation}). */
  types?: TypeInformation;
}

/** One finding, as `check --format json` prints it (1-based line and column), without the file. */
export interface FileFinding {
  line: number;
  column: number;
  rule: CheckRuleId;
  message: string;
}

/** After this many distinct files of one cwd, the whole project is analysed once instead of file by file. */
const WHOLE_PROJECT_AFTER_FILES = 2;
/** How often (ms) the files an analysis read are re-stat'ed for changes on disk. */
const STALENESS_CHECK_INTERVAL_MS = 1000;

interface ProjectState {
  cwd: string;
  tsconfig: string | undefined;
  /** What the analyses read, by absolute path (null: not readable), with the stamp it had. */
  texts: Map<string, string | null>;
  stamps: Map<string, string>;
  /** Files asked about so far. */
  asked: Set<string>;
  /** The whole-project analysis, once run: the discovered files and their findings. */
  whole: { listed: Set<string>; findings: Map<string, FileFinding[]> } | undefined;
  /** The last answer per file (the rules of one lint pass ask for the same file one after another). */
  last: Map<string, { text: string; findings: FileFinding[] }>;
  checkedAt: number;
}

const states = new Map<string, ProjectState>();

/** Forgets every cached analysis (tests; a long-lived process that knows files changed). */
export function clearFindingsCache(): void {
  states.clear();
}

function stampOf(path: string): string {
  try {
    const stats = statSync(path);
    return `${stats.mtimeMs}:${stats.size}`;
  } catch {
    return 'missing';
  }
}

/** `check`'s tsconfig lookup (discover/select-files): tsconfig.json in the cwd, else at the repository root. */
function findTsconfig(cwd: string, gitRoot: string | null): string | undefined {
  for (const directory of [cwd, gitRoot ?? cwd]) {
    const path = join(directory, 'tsconfig.json');
    if (existsSync(path)) return path;
  }
  return undefined;
}

function newState(cwd: string): ProjectState {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { findGitRoot } = require('./discover/discover') as typeof import('./discover/discover');
  return { cwd, tsconfig: findTsconfig(cwd, findGitRoot(cwd)), texts: new Map(), stamps: new Map(), asked: new Set(), whole: undefined, last: new Map(), checkedAt: Date.now() };
}

/** The analysis's view of a text: no BOM, `\n` line ends (discover/source-text). */
function normalise(text: string): string {
  const withoutBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return withoutBom.includes('\r\n') ? withoutBom.replace(/\r\n/g, '\n') : withoutBom;
}

/**
 * `check`'s findings for one file, as if `asynchat-migrate check` ran in `request.cwd` (same
 * rules, positions and messages; a file that does not parse gets its `parse-error` only).
 */
export function findingsForFile(request: FileFindingsRequest): FileFinding[] {
  const cwd = resolve(request.cwd);
  const file = resolve(request.file);
  const key = `${cwd}\0${request.types ? 'typed' : 'plain'}`;
  let state = states.get(key);
  if (state && Date.now() - state.checkedAt > STALENESS_CHECK_INTERVAL_MS) {
    const current = state;
    const changed = [...current.stamps].some(([path, stamp]) => stampOf(path) !== stamp);
    if (changed) state = undefined;
    else current.checkedAt = Date.now();
  }
  if (!state) {
    state = newState(cwd);
    states.set(key, state);
  }
  const text = normalise(request.text);
  const last = state.last.get(file);
  if (last && last.text === text) return last.findings;

  const inside = file.startsWith(cwd) && !isAbsolute(relative(cwd, file)) && !relative(cwd, file).startsWith('..');
  if (inside) state.asked.add(file);
  if (!state.whole && state.asked.size > WHOLE_PROJECT_AFTER_FILES) state.whole = analyseWholeProject(state, request.types);
  let findings: FileFinding[];
  if (state.whole && state.whole.listed.has(file) && state.texts.get(file) === text) findings = state.whole.findings.get(file) ?? [];
  else findings = analyseOneFile(state, file, text, request.types);
  state.last.set(file, { text, findings });
  return findings;
}

/** A reader that remembers what it read and its stamp, for the staleness check. */
function sessionReader(state: ProjectState): (path: string) => string | null {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { isUnreadable, readSourceText } = require('./discover/source-text') as typeof import('./discover/source-text');
  return (path) => {
    const known = state.texts.get(path);
    if (known !== undefined) return known;
    const read = readSourceText(path);
    const text = isUnreadable(read) ? null : read.text;
    state.texts.set(path, text);
    // Only real files: the module resolver also asks about candidate names that do not exist.
    if (text !== null) state.stamps.set(path, stampOf(path));
    return text;
  };
}

function typeFallbackOption(types: TypeInformation | undefined): { typeFallback?: (own: TypeFallback | undefined) => TypeFallback | undefined } {
  if (!types) return {};
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { createProgramTypeFallback } = require('./analyse/type-fallback') as typeof import('./analyse/type-fallback');
  return { typeFallback: (own) => createProgramTypeFallback(types.program as ts.Program, types.objectTypeFlag, own) };
}

function run(state: ProjectState, files: string[], readText: (path: string) => string | null, types: TypeInformation | undefined): LocatedFinding[] {
  // Loaded on first use, as the CLI does: requiring the plugin must not load TypeScript.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { analyseRaw } = require('./analyse/raw-analysis') as typeof import('./analyse/raw-analysis');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { collectFindings } = require('./report/findings') as typeof import('./report/findings');
  const analysis: RawProjectAnalysis = analyseRaw({ files, readText, ...(state.tsconfig ? { tsconfig: state.tsconfig } : {}), ...typeFallbackOption(types) });
  return collectFindings(analysis, state.cwd);
}

const toFileFinding = (finding: LocatedFinding): FileFinding => ({ line: finding.line, column: finding.column, rule: finding.rule, message: finding.message });

function analyseWholeProject(state: ProjectState, types: TypeInformation | undefined): NonNullable<ProjectState['whole']> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { discoverFiles } = require('./discover/discover') as typeof import('./discover/discover');
  // `check` with no path in the cwd: .gitignore honoured, node_modules / dist / .git never walked.
  const discovery = discoverFiles({ cwd: state.cwd, errorOnUnmatchedPattern: false });
  const findings = new Map<string, FileFinding[]>();
  for (const finding of run(state, discovery.files, sessionReader(state), types)) {
    let list = findings.get(finding.absolutePath);
    if (!list) findings.set(finding.absolutePath, (list = []));
    list.push(toFileFinding(finding));
  }
  return { listed: new Set(discovery.files), findings };
}

function analyseOneFile(state: ProjectState, file: string, text: string, types: TypeInformation | undefined): FileFinding[] {
  const read = sessionReader(state);
  // The file's own text is the caller's; its imports are read (and cached) from the disk.
  const readText = (path: string): string | null => (path === file ? text : read(path));
  return run(state, [file], readText, types)
    .filter((finding) => finding.absolutePath === file)
    .map(toFileFinding);
}
