/** Reading a handler class's syntax: `this.x` / `this.x()`, and where a statement sits (nested functions, loops). */
import { type ConstructorDeclaration, type MethodDeclaration, Node, SyntaxKind } from 'ts-morph';
import { MARKER_RULES } from '../rules';
import { refuse } from './refusal';

/** `this.name` -> name; anything else -> null. */
export function thisMemberName(node: Node): string | null {
  if (!Node.isPropertyAccessExpression(node)) return null;
  if (node.getExpression().getKind() !== SyntaxKind.ThisKeyword) return null;
  return node.getName();
}

/** `this.name(...)` -> name; anything else -> null. */
export function thisCallName(node: Node): string | null {
  if (!Node.isCallExpression(node)) return null;
  return thisMemberName(node.getExpression());
}

/** Inside a nested `function`, `this` is not the handler; arrow functions keep it. */
export function insideNestedFunction(node: Node, boundary: Node): boolean {
  for (let current = node.getParent(); current !== undefined && current !== boundary; current = current.getParent()) {
    if (Node.isFunctionDeclaration(current) || Node.isFunctionExpression(current) || Node.isMethodDeclaration(current)) return true;
    if (Node.isClassDeclaration(current) || Node.isClassExpression(current)) return true;
  }
  return false;
}

/** A `break` / `continue` placed at `node` would bind to a loop or switch inside `boundary`, or cannot cross a function. */
export function insideLoopOrFunction(node: Node, boundary: Node): boolean {
  for (let current = node.getParent(); current !== undefined && current !== boundary; current = current.getParent()) {
    if (
      Node.isIterationStatement(current) ||
      Node.isSwitchStatement(current) ||
      Node.isFunctionLikeDeclaration(current) ||
      Node.isArrowFunction(current) ||
      Node.isFunctionExpression(current)
    ) {
      return true;
    }
  }
  return false;
}

export function methodBodyStatements(method: MethodDeclaration | ConstructorDeclaration): Node[] {
  const body = method.getBody();
  if (body === undefined || !Node.isBlock(body)) refuse(MARKER_RULES.unrecognisedHandler, `${method.getKindName()} has no body`);
  return body.getStatements();
}

/** `await` is allowed at `node`: inside an async function, or at the top level of an ES module file. */
export function awaitAllowed(node: Node, path: string): boolean {
  const owner = node.getFirstAncestor((ancestor) => Node.isFunctionLikeDeclaration(ancestor) || Node.isArrowFunction(ancestor) || Node.isFunctionExpression(ancestor));
  if (owner === undefined) return /\.m(j|t)s$/.test(path);
  return 'isAsync' in owner && typeof owner.isAsync === 'function' && owner.isAsync() === true;
}
