/**
 * Imports after a rewrite: shim bindings nothing uses any more go (the whole statement when none is
 * left), and the `@asynchat/streams` names the emitted code needs come in (one statement, `require`
 * in CommonJS files, types only in TypeScript files).
 */
import { Node, ts } from 'ts-morph';
import type { FileAnalysis, LegacyImport } from '../analyse/types';
import type { StreamsName } from './handler';
import { applyEdits, type TextEdit, wholeLineRange } from '../shared/text-edit';

const STREAMS_SPECIFIER = '@asynchat/streams';
const VALUE_NAMES: StreamsName[] = ['startServer', 'openConnection', 'ConnectionResetError'];
const TYPE_NAMES: StreamsName[] = ['Server', 'StreamReader', 'StreamWriter', 'Terminator'];

/** Maps an offset of the original text into the text after `edits`. */
function mapOffset(offset: number, edits: readonly TextEdit[]): number {
  let shift = 0;
  for (const edit of edits) if (edit.end <= offset) shift += edit.text.length - (edit.end - edit.start);
  return offset + shift;
}

/** How often each identifier is referenced in `text`, leaving out imports and the statements starting at `skip`. */
function identifierUses(text: string, fileName: string, skip: Set<number>): Map<string, number> {
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const counts = new Map<string, number>();
  const visit = (node: ts.Node): void => {
    if (ts.isIdentifier(node)) {
      const parent = node.parent;
      const isMemberName = (ts.isPropertyAccessExpression(parent) && parent.name === node) || (ts.isPropertyAssignment(parent) && parent.name === node);
      if (!isMemberName) counts.set(node.text, (counts.get(node.text) ?? 0) + 1);
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of sourceFile.statements) {
    if (ts.isImportDeclaration(statement) || skip.has(statement.getStart(sourceFile))) continue;
    visit(statement);
  }
  return counts;
}

export function scriptKindOf(fileName: string): ts.ScriptKind {
  if (/\.tsx$/.test(fileName)) return ts.ScriptKind.TSX;
  if (/\.jsx$/.test(fileName)) return ts.ScriptKind.JSX;
  if (/\.(c|m)?js$/.test(fileName)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export interface ImportEditsInput {
  text: string;
  file: FileAnalysis;
  /** The edits of the translations (original coordinates). */
  edits: readonly TextEdit[];
  streamsNames: ReadonlySet<StreamsName>;
  typescript: boolean;
  commonJs: boolean;
}

/** The import edits (original coordinates), or none when the translations changed nothing. */
export function importEdits(input: ImportEditsInput): TextEdit[] {
  const { text, file, edits } = input;
  if (edits.length === 0) return [];
  const shimImports = file.imports.filter((site) => site.kind !== 'reexport' && site.kind !== 'dynamic-import');
  const after = applyEdits(text, edits);
  const skip = new Set(shimImports.map((site) => mapOffset(site.node.getStart(), edits)));
  const uses = identifierUses(after, file.path, skip);
  const result: TextEdit[] = [];
  if (input.typescript) result.push(...orphanedImportEdits(input, uses));
  else result.push(...orphanedRequireEdits(input, uses));
  let replaceable: LegacyImport | undefined;
  for (const site of shimImports) {
    const edit = trimImport(text, site, (local) => (uses.get(local) ?? 0) > 0);
    if (edit === null) continue;
    result.push(edit);
    if (edit.text === '' && replaceable === undefined) replaceable = site;
  }
  const statement = streamsImport(input, uses);
  if (statement === null) return result;
  const existing = existingStreamsImport(file);
  if (existing !== null) {
    const added = addToExisting(existing, input);
    if (added !== null) result.push(added);
    return result;
  }
  if (replaceable !== undefined) {
    const index = result.findIndex((edit) => edit.start <= replaceable!.node.getStart() && edit.end >= replaceable!.node.getEnd());
    const removal = result[index]!;
    result[index] = { ...removal, text: `${statement}\n` };
    return result;
  }
  const anchor = lastImportEnd(file);
  // The last import itself goes (an orphan): the streams import takes its place.
  const removal = result.findIndex((edit) => edit.text === '' && edit.start < anchor && edit.end >= anchor);
  if (removal !== -1) {
    result[removal] = { ...result[removal]!, text: `${statement}\n` };
    return result;
  }
  result.push({ start: anchor, end: anchor, text: anchor === 0 ? `${statement}\n` : `\n${statement}` });
  return result;
}

function quoteOf(file: FileAnalysis): string {
  const site = file.imports[0];
  return site !== undefined && site.node.getText().includes(`"${site.specifier}"`) ? '"' : "'";
}

function streamsImport(input: ImportEditsInput, _uses: Map<string, number>): string | null {
  const values = VALUE_NAMES.filter((name) => input.streamsNames.has(name));
  const types = input.typescript ? TYPE_NAMES.filter((name) => input.streamsNames.has(name)) : [];
  if (values.length === 0 && types.length === 0) return null;
  const quote = quoteOf(input.file);
  const specifier = `${quote}${STREAMS_SPECIFIER}${quote}`;
  if (input.commonJs && !input.typescript) {
    return values.length === 0 ? null : `const { ${values.join(', ')} } = require(${specifier});`;
  }
  if (values.length === 0) return `import type { ${types.join(', ')} } from ${specifier};`;
  return `import { ${[...values, ...types.map((name) => `type ${name}`)].join(', ')} } from ${specifier};`;
}

function existingStreamsImport(file: FileAnalysis): ts.ImportDeclaration | null {
  for (const statement of file.sourceFile.compilerNode.statements) {
    if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text === STREAMS_SPECIFIER) {
      return statement;
    }
  }
  return null;
}

/** Adds the missing names to an existing `import { ... } from '@asynchat/streams'`. */
function addToExisting(statement: ts.ImportDeclaration, input: ImportEditsInput): TextEdit | null {
  const named = statement.importClause?.namedBindings;
  if (named === undefined || !ts.isNamedImports(named)) return null;
  const present = new Set(named.elements.map((element) => element.name.text));
  const typeOnly = statement.importClause?.isTypeOnly === true;
  const missing = [
    ...VALUE_NAMES.filter((name) => input.streamsNames.has(name) && !present.has(name)),
    ...(input.typescript ? TYPE_NAMES.filter((name) => input.streamsNames.has(name) && !present.has(name)).map((name) => (typeOnly ? name : `type ${name}`)) : []),
  ];
  if (missing.length === 0) return null;
  const last = named.elements[named.elements.length - 1];
  if (last === undefined) return null;
  return { start: last.getEnd(), end: last.getEnd(), text: `, ${missing.join(', ')}` };
}

function lastImportEnd(file: FileAnalysis): number {
  let end = 0;
  for (const statement of file.sourceFile.getStatements()) {
    const isImport = Node.isImportDeclaration(statement) || (Node.isVariableStatement(statement) && /\brequire\(/.test(statement.getText()));
    if (isImport) end = statement.getEnd();
  }
  return end;
}

/** Removes the unused bindings of one shim import (the whole statement when none is used), or null. */
function trimImport(text: string, site: LegacyImport, isUsed: (local: string) => boolean): TextEdit | null {
  const node = site.node;
  const whole = (): TextEdit => ({ ...wholeLineRange(text, node.getStart(true), node.getEnd()), text: '' });
  if (Node.isImportDeclaration(node)) {
    const named = node.getNamedImports();
    const defaultImport = node.getDefaultImport();
    const namespace = node.getNamespaceImport();
    const keptNamed = named.filter((specifier) => isUsed((specifier.getAliasNode() ?? specifier.getNameNode()).getText()));
    const keepDefault = defaultImport !== undefined && isUsed(defaultImport.getText());
    const keepNamespace = namespace !== undefined && isUsed(namespace.getText());
    if (keptNamed.length === 0 && !keepDefault && !keepNamespace) return whole();
    if (keptNamed.length === named.length) return null;
    const namedImports = node.getImportClause()?.getNamedBindings();
    if (namedImports === undefined) return null;
    if (keptNamed.length === 0) {
      // `import Default, { a } from` -> `import Default from`
      const clause = node.getImportClauseOrThrow();
      return { start: defaultImport!.getEnd(), end: clause.getEnd(), text: '' };
    }
    return { start: namedImports.getStart(), end: namedImports.getEnd(), text: `{ ${keptNamed.map((specifier) => specifier.getText()).join(', ')} }` };
  }
  if (Node.isVariableStatement(node)) {
    const declarations = node.getDeclarations();
    if (declarations.length !== 1) return null;
    const nameNode = declarations[0]!.getNameNode();
    if (Node.isIdentifier(nameNode)) return isUsed(nameNode.getText()) ? null : whole();
    if (Node.isObjectBindingPattern(nameNode)) {
      const elements = nameNode.getElements();
      const kept = elements.filter((element) => isUsed(element.getName()));
      if (kept.length === elements.length) return null;
      if (kept.length === 0) return whole();
      return { start: nameNode.getStart(), end: nameNode.getEnd(), text: `{ ${kept.map((element) => element.getText()).join(', ')} }` };
    }
  }
  return null;
}

/**
 * TypeScript files: other imports whose every use was inside the rewritten code (`type Socket` of the
 * legacy constructor) go too. TypeScript elides unused imports anyway, so removing them changes no
 * behaviour; JavaScript files keep theirs (an import may load a module for its side effects).
 */
function orphanedImportEdits(input: ImportEditsInput, usesAfter: Map<string, number>): TextEdit[] {
  const legacy = new Set(input.file.imports.map((site) => site.node));
  const imports = input.file.sourceFile
    .getStatements()
    .filter((statement) => Node.isImportDeclaration(statement) && !legacy.has(statement) && statement.getModuleSpecifierValue() !== STREAMS_SPECIFIER);
  if (imports.length === 0) return [];
  const usesBefore = identifierUses(input.text, input.file.path, new Set(imports.map((statement) => statement.getStart())));
  const orphaned = (local: string): boolean => (usesBefore.get(local) ?? 0) > 0 && (usesAfter.get(local) ?? 0) === 0;
  const edits: TextEdit[] = [];
  for (const statement of imports) {
    if (!Node.isImportDeclaration(statement)) continue;
    // An import the translations already edit (a renamed specifier) is theirs.
    if (input.edits.some((edit) => edit.start < statement.getEnd() && edit.end > statement.getStart())) continue;
    const site = { node: statement, kind: 'named', specifier: statement.getModuleSpecifierValue(), viaLocalModule: null, bindings: [] } satisfies LegacyImport;
    const edit = trimImport(input.text, site, (local) => !orphaned(local));
    if (edit !== null) edits.push(edit);
  }
  return edits;
}

/**
 * JavaScript files: `const { LineHandler } = require('./line-handler')` whose bindings were used only
 * by the rewritten code (a base class that migrated away) loses those bindings, and the statement
 * goes when none is left.
 */
function orphanedRequireEdits(input: ImportEditsInput, usesAfterImports: Map<string, number>): TextEdit[] {
  let usesAfter = usesAfterImports;
  const legacy = new Set(input.file.imports.map((site) => site.node));
  const requires = input.file.sourceFile.getStatements().filter((statement) => {
    if (!Node.isVariableStatement(statement) || legacy.has(statement)) return false;
    const declarations = statement.getDeclarations();
    const initializer = declarations.length === 1 ? declarations[0]!.getInitializer() : undefined;
    return (
      initializer !== undefined &&
      Node.isCallExpression(initializer) &&
      initializer.getExpression().getText() === 'require' &&
      /^['"]\.\.?\//.test(initializer.getArguments()[0]?.getText() ?? '') &&
      Node.isObjectBindingPattern(declarations[0]!.getNameNode())
    );
  });
  if (requires.length === 0) return [];
  const usesBefore = identifierUses(input.text, input.file.path, new Set(requires.map((statement) => statement.getStart())));
  // The bindings of the requires themselves are not uses.
  const skipAfter = new Set([...input.file.imports, ...requires.map((node) => ({ node }))].map((site) => mapOffset(site.node.getStart(), input.edits)));
  usesAfter = identifierUses(applyEdits(input.text, input.edits), input.file.path, skipAfter);
  const edits: TextEdit[] = [];
  for (const statement of requires) {
    if (input.edits.some((edit) => edit.start < statement.getEnd() && edit.end > statement.getStart())) continue;
    const site = { node: statement, kind: 'require', specifier: '', viaLocalModule: null, bindings: [] } satisfies LegacyImport;
    const orphaned = (local: string): boolean => (usesBefore.get(local) ?? 0) > 0 && (usesAfter.get(local) ?? 0) === 0;
    const edit = trimImport(input.text, site, (local) => !orphaned(local));
    if (edit !== null) edits.push(edit);
  }
  return edits;
}
