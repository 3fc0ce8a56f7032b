import type { ts } from 'ts-morph';
import { typescript } from '../analyse/typescript';
import { extname } from 'node:path';

/** A syntax error found in text about to be written. */
export interface SyntaxProblem {
  line: number;
  column: number;
  message: string;
}

const SCRIPT_KINDS: Record<string, ts.ScriptKind> = {
  '.ts': typescript.ScriptKind.TS,
  '.mts': typescript.ScriptKind.TS,
  '.cts': typescript.ScriptKind.TS,
  '.tsx': typescript.ScriptKind.TSX,
  '.js': typescript.ScriptKind.JS,
  '.mjs': typescript.ScriptKind.JS,
  '.cjs': typescript.ScriptKind.JS,
  '.jsx': typescript.ScriptKind.JSX,
};

/**
 * Parses `text` as the file `fileName` would be parsed (script kind from the extension) and returns
 * its syntax errors, first one first; an empty list means the text parses. This is the last gate
 * before a file is written: the engine verifies its own output, and this checks it independently.
 *
 * @example
 * const problems = findSyntaxProblems(after, '/repo/src/handler.ts');
 * if (problems.length > 0) throw new Error(problems[0].message);
 */
export function findSyntaxProblems(text: string, fileName: string): SyntaxProblem[] {
  const scriptKind = SCRIPT_KINDS[extname(fileName).toLowerCase()] ?? typescript.ScriptKind.TS;
  const sourceFile = typescript.createSourceFile(fileName, text, typescript.ScriptTarget.Latest, false, scriptKind);
  return diagnosticsOf(sourceFile).map((diagnostic) => {
    const position = diagnostic.start === undefined ? { line: 0, character: 0 } : sourceFile.getLineAndCharacterOfPosition(diagnostic.start);
    return {
      line: position.line + 1,
      column: position.character + 1,
      message: typescript.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    };
  });
}

/**
 * The parser's own diagnostics. TypeScript keeps them on the source file (`parseDiagnostics`, not in
 * the public typings); reading them costs nothing, where the public route (a one-file program and
 * `getSyntacticDiagnostics`) costs about 1 ms per file, a third of a second on a large corpus. The
 * public route stays as the fallback should a TypeScript release drop the field.
 */
function diagnosticsOf(sourceFile: ts.SourceFile): readonly ts.Diagnostic[] {
  const parserDiagnostics = (sourceFile as ts.SourceFile & { parseDiagnostics?: unknown }).parseDiagnostics;
  if (Array.isArray(parserDiagnostics)) return parserDiagnostics as ts.Diagnostic[];
  const fileName = sourceFile.fileName;
  const host: ts.CompilerHost = {
    getSourceFile: (name) => (name === fileName ? sourceFile : undefined),
    getDefaultLibFileName: () => 'lib.d.ts',
    writeFile: () => undefined,
    getCurrentDirectory: () => '/',
    getCanonicalFileName: (name) => name,
    useCaseSensitiveFileNames: () => true,
    getNewLine: () => '\n',
    fileExists: (name) => name === fileName,
    readFile: () => undefined,
  };
  const program = typescript.createProgram({
    rootNames: [fileName],
    options: { noLib: true, noResolve: true, allowJs: true, jsx: typescript.JsxEmit.Preserve, types: [] },
    host,
  });
  return program.getSyntacticDiagnostics(sourceFile);
}
