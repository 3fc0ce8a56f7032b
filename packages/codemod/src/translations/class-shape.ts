/** Edits to a class's shape shared by the class-preserving translations. */
import { type ClassDeclaration, SyntaxKind } from 'ts-morph';
import { indentationAt, type TextEdit } from '../shared/text-edit';

/** Deletes `extends X` with the whitespace before it; null when the class extends nothing. */
export function extendsRemoval(node: ClassDeclaration): TextEdit | null {
  const heritage = node.getHeritageClauseByKind(SyntaxKind.ExtendsKeyword);
  if (heritage === undefined) return null;
  const text = node.getSourceFile().getFullText();
  let start = heritage.getStart();
  while (start > 0 && /\s/.test(text[start - 1]!)) start -= 1;
  return { start, end: heritage.getEnd(), text: '' };
}

/** The indentation of the class's members (one step in from the class when it has none). */
export function memberIndentation(node: ClassDeclaration, unit: string): string {
  const text = node.getSourceFile().getFullText();
  const first = node.getMembers()[0];
  return first !== undefined ? indentationAt(text, first.getStart()) : indentationAt(text, node.getStart()) + unit;
}
