/**
 * Reading a `set_terminator(...)` argument: what the migrated code passes to `frames` / `readFrame`.
 */
import { Node } from 'ts-morph';

export interface TerminatorValue {
  /** Source text for the migrated code (`'\r\n'`, `4`, `null`, or the expression as written). */
  text: string;
  kind: 'string' | 'number' | 'null' | 'dynamic';
  /** A literal asynchat treats as "no terminator": null, 0, or an empty string / buffer (E7, E8). */
  falsy: boolean;
  /** The type the expression may have, for the `terminator` variable (TypeScript output). */
  types: ('string' | 'number' | 'null' | 'Uint8Array')[];
}

const ASCII = /^[\x20-\x7e\t\r\n]*$/;

/** `'\r\n'` as a single-quoted literal with the usual escapes. */
export function quoteString(value: string): string {
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/\r/g, '\\r')
    .replace(/\n/g, '\\n')
    .replace(/\t/g, '\\t');
  return `'${escaped}'`;
}

function stringValue(node: Node): string | null {
  if (Node.isStringLiteral(node) || Node.isNoSubstitutionTemplateLiteral(node)) return node.getLiteralValue();
  return null;
}

/** `Buffer.from('\r\n')` (optionally with an ASCII-compatible encoding) -> '\r\n'. */
function bufferFromString(node: Node): string | null {
  if (!Node.isCallExpression(node)) return null;
  const callee = node.getExpression();
  if (!Node.isPropertyAccessExpression(callee) || callee.getText() !== 'Buffer.from') return null;
  const [first, encoding, ...rest] = node.getArguments();
  if (first === undefined || rest.length > 0) return null;
  const value = stringValue(first);
  if (value === null) return null;
  if (encoding !== undefined) {
    const name = stringValue(encoding);
    if (name === null || !['ascii', 'latin1', 'binary', 'utf8', 'utf-8'].includes(name.toLowerCase())) return null;
  }
  return value;
}

/** `CRLF` where `const CRLF = Buffer.from('\r\n')` (here or imported): the initializer. */
function constantInitializer(node: Node): Node | null {
  if (!Node.isIdentifier(node)) return null;
  try {
    let symbol = node.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    const declaration = symbol?.getDeclarations()[0];
    if (!Node.isVariableDeclaration(declaration)) return null;
    const statement = declaration.getVariableStatement();
    if (statement === undefined || statement.getDeclarationKind() !== 'const') return null;
    return declaration.getInitializer() ?? null;
  } catch {
    return null;
  }
}

/**
 * Reads a terminator argument; never throws. `keepName`: a node of the file the loop is emitted in;
 * a named constant used there keeps its name.
 */
export function readTerminator(argument: Node, keepName: Node | null = null): TerminatorValue {
  const constant = constantInitializer(argument);
  if (constant !== null && keepName !== null && argument.getSourceFile() === keepName.getSourceFile()) {
    // A named constant in scope where the loop is emitted keeps its name (frames / readFrame take bytes).
    const literal = stringValue(constant);
    const bytes = bufferFromString(constant);
    if (literal !== null && literal !== '') return { text: argument.getText(), kind: 'string', falsy: false, types: ['string'] };
    if (bytes !== null && bytes !== '') return { text: argument.getText(), kind: 'string', falsy: false, types: ['Uint8Array'] };
  }
  const value = stringValue(argument) ?? bufferFromString(argument) ?? (constant === null ? null : (stringValue(constant) ?? bufferFromString(constant)));
  if (value !== null && ASCII.test(value)) {
    return { text: quoteString(value), kind: 'string', falsy: value === '', types: ['string'] };
  }
  if (Node.isNumericLiteral(argument)) {
    const count = Number(argument.getLiteralValue());
    return { text: argument.getText(), kind: 'number', falsy: count === 0, types: ['number'] };
  }
  if (Node.isNullLiteral(argument) || (Node.isIdentifier(argument) && argument.getText() === 'undefined')) {
    return { text: 'null', kind: 'null', falsy: true, types: ['null'] };
  }
  const types: TerminatorValue['types'] = [];
  try {
    for (const part of argument.getType().isUnion() ? argument.getType().getUnionTypes() : [argument.getType()]) {
      if (part.isNumber() || part.isNumberLiteral()) types.push('number');
      else if (part.isString() || part.isStringLiteral()) types.push('string');
      else if (part.isNull() || part.isUndefined()) types.push('null');
      else if (/Buffer|Uint8Array/.test(part.getText())) types.push('Uint8Array');
      else return { text: argument.getText(), kind: 'dynamic', falsy: true, types: ['string', 'number', 'null', 'Uint8Array'] };
    }
  } catch {
    return { text: argument.getText(), kind: 'dynamic', falsy: true, types: ['string', 'number', 'null', 'Uint8Array'] };
  }
  return { text: argument.getText(), kind: 'dynamic', falsy: true, types: types.length > 0 ? [...new Set(types)] : ['string', 'number', 'null'] };
}
