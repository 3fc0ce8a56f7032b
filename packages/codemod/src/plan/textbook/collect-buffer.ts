/** The collect buffer: the one field collect_incoming_data appends to and found_terminator joins. */
import { type MethodDeclaration, Node, SyntaxKind } from 'ts-morph';
import { MARKER_RULES } from '../rules';
import { refuse } from './refusal';
import { thisMemberName, methodBodyStatements } from './class-syntax';

export interface CollectBuffer {
  field: string;
  /** 'list': `this.buffer.push(data)` + `Buffer.concat(this.buffer)`; 'bytes': `this.buffer = Buffer.concat([this.buffer, data])`. */
  shape: 'list' | 'bytes';
}

export function isEmptyBufferValue(node: Node | undefined): boolean {
  if (node === undefined) return false;
  if (Node.isArrayLiteralExpression(node)) return node.getElements().length === 0;
  const text = node.getText().replace(/\s+/g, '');
  return text === 'Buffer.alloc(0)' || text === "Buffer.from('')" || text === 'Buffer.from("")';
}

/** `this.buffer = []` / `this.buffer = Buffer.alloc(0)` / `this.buffer.length = 0` for the collect buffer. */
export function isBufferReset(statement: Node, buffer: CollectBuffer): boolean {
  if (!Node.isExpressionStatement(statement)) return false;
  const expression = statement.getExpression();
  if (!Node.isBinaryExpression(expression) || expression.getOperatorToken().getKind() !== SyntaxKind.EqualsToken) return false;
  const left = expression.getLeft();
  if (thisMemberName(left) === buffer.field) return isEmptyBufferValue(expression.getRight());
  if (Node.isPropertyAccessExpression(left) && left.getName() === 'length' && thisMemberName(left.getExpression()) === buffer.field) {
    return expression.getRight().getText() === '0';
  }
  return false;
}

export function readCollectBuffer(method: MethodDeclaration): CollectBuffer {
  const parameters = method.getParameters();
  const statements = methodBodyStatements(method);
  const parameter = parameters[0]?.getName();
  const only = statements.length === 1 ? statements[0] : undefined;
  if (parameters.length === 1 && only !== undefined && Node.isExpressionStatement(only)) {
    const expression = only.getExpression();
    // this.buffer.push(data)
    if (Node.isCallExpression(expression)) {
      const callee = expression.getExpression();
      const args = expression.getArguments();
      if (Node.isPropertyAccessExpression(callee) && callee.getName() === 'push' && args.length === 1 && args[0]!.getText() === parameter) {
        const field = thisMemberName(callee.getExpression());
        if (field !== null) return { field, shape: 'list' };
      }
    }
    // this.buffer = Buffer.concat([this.buffer, data])
    if (Node.isBinaryExpression(expression) && expression.getOperatorToken().getKind() === SyntaxKind.EqualsToken) {
      const field = thisMemberName(expression.getLeft());
      const right = expression.getRight().getText().replace(/\s+/g, '');
      if (field !== null && right === `Buffer.concat([this.${field},${parameter}])`) return { field, shape: 'bytes' };
    }
  }
  return refuse(
    MARKER_RULES.unrecognisedHandler,
    'collect_incoming_data does more than append to one buffer field; port the read loop by hand',
    method,
  );
}

/** The node that reads the whole collected message: `Buffer.concat(this.buffer)` or `this.buffer`. */
export function messageRead(node: Node, buffer: CollectBuffer): Node | null {
  if (thisMemberName(node) !== buffer.field) return null;
  if (buffer.shape === 'bytes') {
    const parent = node.getParent();
    if (Node.isBinaryExpression(parent) && parent.getLeft() === node) return null;
    return node;
  }
  const call = node.getParent();
  if (Node.isCallExpression(call) && call.getExpression().getText() === 'Buffer.concat' && call.getArguments().length === 1) return call;
  return null;
}
