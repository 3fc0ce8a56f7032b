/** Other instances of the handler class (a chat room's members) and values that are plain arrays. */
import { Node, SyntaxKind } from 'ts-morph';
import { thisMemberName } from './class-syntax';
import { Members } from './members';

/**
 * Fields that only ever hold instances of this class (a chat room): `this.room.add(this)` is the only
 * way in, and the field comes from a constructor parameter or starts empty.
 */
export function peerCollections(members: Members, classNodes: Node[], bufferField: string): Set<string> {
  const peers = new Set<string>();
  const calls = classNodes.flatMap((classNode) => classNode.getDescendantsOfKind(SyntaxKind.CallExpression));
  const candidates = new Set<string>();
  for (const call of calls) {
    const callee = call.getExpression();
    if (!Node.isPropertyAccessExpression(callee)) continue;
    const field = thisMemberName(callee.getExpression());
    if (field !== null && field !== bufferField && ['add', 'push', 'unshift'].includes(callee.getName())) candidates.add(field);
  }
  for (const field of candidates) {
    const insertions = calls.filter((call) => {
      const callee = call.getExpression();
      return Node.isPropertyAccessExpression(callee) && thisMemberName(callee.getExpression()) === field && ['add', 'push', 'unshift', 'splice', 'set'].includes(callee.getName());
    });
    const onlyThis = insertions.every((call) => {
      const callee = call.getExpression() as Node;
      return Node.isPropertyAccessExpression(callee) && ['add', 'push', 'unshift'].includes(callee.getName()) && call.getArguments().length === 1 && call.getArguments()[0]!.getKind() === SyntaxKind.ThisKeyword;
    });
    const assignments = classNodes
      .flatMap((classNode) => classNode.getDescendantsOfKind(SyntaxKind.BinaryExpression))
      .filter((assignment) => thisMemberName(assignment.getLeft()) === field && assignment.getOperatorToken().getKind() === SyntaxKind.EqualsToken);
    const constructorParameters = new Set(
      [members.constructorNode].flatMap((constructor) => (constructor === undefined ? [] : constructor.getParameters().map((parameter) => parameter.getName()))),
    );
    const safeSource = assignments.every((assignment) => {
      const right = assignment.getRight();
      return (Node.isIdentifier(right) && constructorParameters.has(right.getText())) || /^new Set\(\)$|^\[\]$/.test(right.getText());
    });
    if (onlyThis && safeSource && assignments.length > 0) peers.add(field);
  }
  return peers;
}

/** `member` declared by `for (const member of this.room)` where `room` holds instances of this class. */
export function isPeer(receiver: Node, peers: Set<string>): boolean {
  if (!Node.isIdentifier(receiver) || peers.size === 0) return false;
  for (let current: Node | undefined = receiver.getParent(); current !== undefined; current = current.getParent()) {
    if (!Node.isForOfStatement(current)) continue;
    const initializer = current.getInitializer();
    if (!Node.isVariableDeclarationList(initializer)) continue;
    const [declaration, ...rest] = initializer.getDeclarations();
    if (declaration === undefined || rest.length > 0 || declaration.getName() !== receiver.getText()) continue;
    const field = thisMemberName(current.getExpression());
    return field !== null && peers.has(field);
  }
  return false;
}

/** `this.lines` initialised with `[]`, or an expression typed as an array. */
export function isArrayValue(node: Node, members: Members): boolean {
  const field = thisMemberName(node);
  if (field !== null) {
    const property = members.properties.get(field);
    if (property !== undefined && Node.isPropertyDeclaration(property)) {
      const initializer = property.getInitializer();
      const typeNode = property.getTypeNode();
      if ((initializer !== undefined && Node.isArrayLiteralExpression(initializer)) || (typeNode !== undefined && /\[\]$|^Array</.test(typeNode.getText()))) return true;
    }
    const assignments = members.node.getDescendantsOfKind(SyntaxKind.BinaryExpression).filter((assignment) => thisMemberName(assignment.getLeft()) === field);
    if (assignments.length > 0 && assignments.every((assignment) => Node.isArrayLiteralExpression(assignment.getRight()))) return true;
  }
  try {
    return node.getType().isArray();
  } catch {
    return false;
  }
}
