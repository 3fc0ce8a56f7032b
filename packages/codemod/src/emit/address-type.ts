/**
 * The shim's types outlive the classes that needed them: `Address` (a handler keeps the peer
 * address it was built with) becomes the tuple `writer.getExtraInfo('peername')` returns, and
 * `SocketMap` (a parameter a class-preserved channel still accepts and ignores) a plain map, so
 * that the migrated file stops importing the shim for a type.
 */
import { ts } from 'ts-morph';
import { isShimSpecifier } from '../shared/shim-modules';
import { scriptKindOf } from './imports';
import { applyEdits, type TextEdit, wholeLineRange } from '../shared/text-edit';

/** Shim type name -> the type migrated code writes instead. */
const SHIM_TYPE_REPLACEMENTS = new Map([
  ['Address', '[host: string, port: number]'],
  ['SocketMap', 'Map<number, unknown>'],
]);

/** `text` with shim `Address` / `SocketMap` type references replaced and the import trimmed; unchanged when none. */
export function replaceShimAddressType(text: string, fileName: string): string {
  if (![...SHIM_TYPE_REPLACEMENTS.keys()].some((name) => text.includes(name))) return text;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const edits: TextEdit[] = [];
  const locals = new Map<string, string>();
  for (const statement of sourceFile.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier) || !isShimSpecifier(statement.moduleSpecifier.text)) continue;
    const named = statement.importClause?.namedBindings;
    if (named === undefined || !ts.isNamedImports(named) || statement.importClause?.name !== undefined) continue;
    const address = named.elements.filter((element) => SHIM_TYPE_REPLACEMENTS.has((element.propertyName ?? element.name).text));
    if (address.length === 0) continue;
    for (const element of address) locals.set(element.name.text, SHIM_TYPE_REPLACEMENTS.get((element.propertyName ?? element.name).text)!);
    const kept = named.elements.filter((element) => !address.includes(element));
    if (kept.length === 0) {
      edits.push({ ...wholeLineRange(text, statement.getStart(sourceFile), statement.getEnd()), text: '' });
    } else {
      edits.push({ start: named.getStart(sourceFile), end: named.getEnd(), text: `{ ${kept.map((element) => element.getText(sourceFile)).join(', ')} }` });
    }
  }
  if (locals.size === 0) return text;
  const visit = (node: ts.Node): void => {
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && locals.has(node.typeName.text) && node.typeArguments === undefined) {
      edits.push({ start: node.getStart(sourceFile), end: node.getEnd(), text: locals.get(node.typeName.text)! });
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of sourceFile.statements) if (!ts.isImportDeclaration(statement)) visit(statement);
  // Any other use of the name (a value position) keeps the import as it was.
  const otherUses = (node: ts.Node): boolean => {
    if (ts.isImportDeclaration(node)) return false;
    if (ts.isTypeReferenceNode(node) && ts.isIdentifier(node.typeName) && locals.has(node.typeName.text)) return false;
    if (ts.isIdentifier(node) && locals.has(node.text)) return true;
    return ts.forEachChild(node, otherUses) ?? false;
  };
  if (sourceFile.statements.some(otherUses)) return text;
  return applyEdits(text, edits);
}

/**
 * The shim's `Terminator` type, where the file now also imports the streams one (a class-preserved
 * channel's `terminator` field): the shim binding goes, so the name means the streams type (the
 * same values, minus `boolean`, which asynchat only accepted by accident).
 */
export function dropShimTerminatorType(text: string, fileName: string): string {
  if (!text.includes('Terminator')) return text;
  const sourceFile = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true, scriptKindOf(fileName));
  const importsTerminator = (statement: ts.Statement, shim: boolean): statement is ts.ImportDeclaration =>
    ts.isImportDeclaration(statement) &&
    ts.isStringLiteral(statement.moduleSpecifier) &&
    (shim ? isShimSpecifier(statement.moduleSpecifier.text) : statement.moduleSpecifier.text === '@asynchat/streams') &&
    statement.importClause?.namedBindings !== undefined &&
    ts.isNamedImports(statement.importClause.namedBindings) &&
    statement.importClause.namedBindings.elements.some((element) => element.name.text === 'Terminator' && (element.propertyName ?? element.name).text === 'Terminator');
  if (!sourceFile.statements.some((statement) => importsTerminator(statement, false))) return text;
  const edits: TextEdit[] = [];
  for (const statement of sourceFile.statements) {
    if (!importsTerminator(statement, true)) continue;
    const named = statement.importClause!.namedBindings as ts.NamedImports;
    const kept = named.elements.filter((element) => element.name.text !== 'Terminator');
    if (kept.length === 0 && statement.importClause!.name === undefined) {
      edits.push({ ...wholeLineRange(text, statement.getStart(sourceFile), statement.getEnd()), text: '' });
    } else {
      edits.push({ start: named.getStart(sourceFile), end: named.getEnd(), text: `{ ${kept.map((element) => element.getText(sourceFile)).join(', ')} }` });
    }
  }
  return applyEdits(text, edits);
}
