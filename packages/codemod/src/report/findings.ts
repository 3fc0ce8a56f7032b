import type { ts } from 'ts-morph';
import { findLegacyApiUses, type LegacyApiUseRecord } from '../analyse/legacy-api';
import type { RawFileAnalysis, RawProjectAnalysis } from '../analyse/raw-analysis';
import type { LegacyClassRecord } from '../analyse/shim-resolver';
import { typescript } from '../analyse/typescript';
import type { LegacyImport } from '../analyse/types';
import { compareFindings, type LocatedFinding } from './finding';
import { fingerprintLineText } from './fingerprint';
import { relativePosixPath } from './relative-path';
import type { CheckRuleId } from './rules';
import { shellQuote } from './shell-quote';

/**
 * Turns an analysis into check findings (one per legacy import statement, legacy class, loop /
 * close_all call or socket_map use, use of the shim's channel API on another file's legacy class,
 * manual marker, and parse error), sorted by file and position.
 * A file that does not parse gets its parse errors only: its other findings could be artefacts of
 * the parser's error recovery.
 *
 * @example
 * ```ts
 * const findings = collectFindings(analyseRaw({ files }), process.cwd());
 * ```
 */
export function collectFindings(analysis: RawProjectAnalysis, cwd: string): LocatedFinding[] {
  const findings: LocatedFinding[] = [];
  for (const file of analysis.files.values()) findings.push(...findingsOfFile(file, cwd, analysis));
  return findings.sort(compareFindings);
}

function findingsOfFile(file: RawFileAnalysis, cwd: string, analysis: RawProjectAnalysis): LocatedFinding[] {
  const relativePath = relativePosixPath(cwd, file.path);
  const lines = file.sourceFile.text.split(/\r?\n/);
  const occurrences = lineOccurrences(lines);
  const rewriteCommand = `\`asynchat-migrate rewrite ${shellQuote(relativePath)}\``;
  const make = (line: number, column: number, rule: CheckRuleId, message: string): LocatedFinding => ({
    file: relativePath,
    line,
    column,
    rule,
    message,
    absolutePath: file.path,
    lineText: lines[line - 1] ?? '',
    lineOccurrence: occurrences[line - 1] ?? 1,
  });
  if (file.parseErrors.length > 0) {
    const first = file.parseErrors[0] as RawFileAnalysis['parseErrors'][number];
    const more = file.parseErrors.length > 1 ? ` (and ${file.parseErrors.length - 1} more)` : '';
    return [make(first.line, first.column, 'parse-error', `cannot parse: ${first.message}${more}; the file was not checked, fix the syntax first`)];
  }
  const findings: LocatedFinding[] = [];
  const positionOf = (node: ts.Node): { line: number; column: number } => {
    const position = file.sourceFile.getLineAndCharacterOfPosition(node.getStart(file.sourceFile));
    return { line: position.line + 1, column: position.character + 1 };
  };

  for (const legacyImport of file.imports) {
    const { line, column } = positionOf(legacyImport.statement);
    findings.push(make(line, column, 'legacy-import', importMessage(legacyImport, file, relativePath, cwd, rewriteCommand)));
  }
  for (const legacyClass of file.classes) {
    const { line, column } = positionOf(legacyClass.node.name ?? legacyClass.node);
    findings.push(make(line, column, 'legacy-subclass', subclassMessage(legacyClass, cwd, rewriteCommand)));
  }
  for (const use of file.uses) {
    const isCall = use.name === 'loop' || use.name === 'close_all';
    if (use.name !== 'socket_map' && !isCall) continue;
    if (isCall) {
      const parent = use.node.parent;
      if (!parent || !typescript.isCallExpression(parent) || parent.expression !== use.node) continue;
    }
    const { line, column } = positionOf(use.node);
    const message =
      use.name === 'socket_map'
        ? `socket_map is the shim's global table of dispatchers; @asynchat/streams has none: keep your own set of connections, then run ${rewriteCommand}`
        : use.name === 'close_all'
          ? `close_all() closes every dispatcher in the shim's socket_map; with streams, close your own servers and writers (server.close(), writer.close()), then run ${rewriteCommand}`
          : `loop() drives the shim's event loop; ${rewriteCommand} moves the server to startServer() and awaits it`;
    findings.push(make(line, column, 'legacy-loop', message));
  }
  for (const use of findLegacyApiUses(analysis, file)) {
    const { line, column } = positionOf(use.node.name);
    findings.push(make(line, column, 'legacy-api', legacyApiMessage(use, file.sourceFile, relativePath, cwd)));
  }
  for (const marker of file.markers) {
    findings.push(make(marker.line, marker.column, 'manual-marker', `manual migration left by rewrite (${marker.rule}): ${marker.reason || 'see docs/rules.md'}; do it by hand, then delete the marker`));
  }
  return findings;
}

/** For each line, how many lines up to it (itself included) have the same text once whitespace is removed. */
function lineOccurrences(lines: readonly string[]): number[] {
  const seen = new Map<string, number>();
  return lines.map((line) => {
    const key = fingerprintLineText(line);
    const occurrence = (seen.get(key) ?? 0) + 1;
    seen.set(key, occurrence);
    return occurrence;
  });
}

function importMessage(legacyImport: Omit<LegacyImport, 'node'>, file: RawFileAnalysis, relativePath: string, cwd: string, rewriteCommand: string): string {
  const names = legacyImport.bindings.map((binding) => (binding.name === '*' ? `${binding.local} (the whole module)` : binding.name === binding.local ? binding.name : `${binding.name} as ${binding.local}`));
  const what = names.length > 0 ? names.join(', ') : 'the module';
  if (file.reexportsOnly && (legacyImport.kind === 'reexport')) {
    return `re-exports ${what} of @asynchat/shim; migrate the modules that import ${relativePath}, then delete it (rewrite marks it legacy-reexport)`;
  }
  const through = legacyImport.viaLocalModule ? ` through ${relativePosixPath(cwd, legacyImport.viaLocalModule)}, which re-exports @asynchat/shim` : '';
  return `imports ${what} from '${legacyImport.specifier}'${through}; migrate with ${rewriteCommand}`;
}

function legacyApiMessage(use: LegacyApiUseRecord, sourceFile: ts.SourceFile, relativePath: string, cwd: string): string {
  const receiver = use.node.expression.getText(sourceFile);
  const receiverText = receiver.length > 40 ? `${receiver.slice(0, 37)}...` : receiver;
  const parent = use.node.parent;
  const shown = `${receiverText}.${use.member}${parent && typescript.isCallExpression(parent) && parent.expression === use.node ? '()' : ''}`;
  if (use.receiverClass === null) {
    return `${shown} uses ${use.base}'s API from @asynchat/shim; port it to the StreamWriter / StreamReader of the migrated handler`;
  }
  const classFile = relativePosixPath(cwd, use.receiverClass.file);
  return `${shown} uses ${use.base}'s API on ${use.receiverClass.name} (${classFile}), which breaks when ${use.receiverClass.name} leaves the shim; migrate them together with \`asynchat-migrate rewrite ${shellQuote(classFile)} ${shellQuote(relativePath)}\``;
}

function subclassMessage(legacyClass: LegacyClassRecord, cwd: string, rewriteCommand: string): string {
  const name = legacyClass.name ?? '(anonymous)';
  if (legacyClass.direct) return `class ${name} extends ${legacyClass.base}; migrate with ${rewriteCommand}`;
  const superClass = legacyClass.superClass;
  // A computed base (`extends Timestamped(async_chat)`) resolved by the type checker has no project class in between.
  const between = legacyClass.chain.slice(1, -1);
  if (between.length === 0) return `class ${name} descends from ${legacyClass.base} through its computed base class (resolved by the type checker); migrate with ${rewriteCommand}`;
  const where = superClass ? ` (${superClass.name ?? 'anonymous class'} in ${relativePosixPath(cwd, superClass.file)})` : '';
  return `class ${name} descends from ${legacyClass.base} through ${between.join(' -> ')}${where}; migrate with ${rewriteCommand}`;
}
