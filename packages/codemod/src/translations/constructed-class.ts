/**
 * Which class declarations a `new X(...)` can build. The analysis runs without the standard library
 * (fast, but `Record<...>`, `Map` and friends are `any` to the checker), so a server class chosen by
 * configuration (`const class_ = classes[name]; new class_(...)`) has no type; the declarations are
 * then followed by hand: a class, a variable's annotation (`typeof X`, a constructor type returning
 * X, `Record<string, C>`, `C[]`), or the values of the object or array it was taken from.
 */
import { type NewExpression, Node } from 'ts-morph';

const MAX_DEPTH = 8;

/** The declarations of an expression's type, every member of a union included (none when it is `any`). */
function typeDeclarations(expression: Node): Node[] {
  try {
    const type = expression.getType().getNonNullableType();
    if (type.isAny()) return [];
    const parts = type.isUnion() ? type.getUnionTypes() : [type];
    return parts.flatMap((part) => part.getSymbol()?.getDeclarations() ?? []);
  } catch {
    return [];
  }
}

function declarationsOf(identifier: Node): Node[] {
  try {
    let symbol = identifier.getSymbol();
    if (symbol?.isAlias()) symbol = symbol.getAliasedSymbol();
    return symbol?.getDeclarations() ?? [];
  } catch {
    return [];
  }
}

/** Classes a type annotation describes instances or constructors of. */
function classesOfTypeNode(node: Node | undefined, depth: number): Node[] {
  if (node === undefined || depth > MAX_DEPTH) return [];
  if (Node.isTypeQuery(node)) return classesOfValue(node.getExprName(), depth + 1);
  if (Node.isConstructorTypeNode(node)) return classesOfTypeNode(node.getReturnTypeNode(), depth + 1);
  if (Node.isUnionTypeNode(node)) return node.getTypeNodes().flatMap((part) => classesOfTypeNode(part, depth + 1));
  if (Node.isArrayTypeNode(node)) return classesOfTypeNode(node.getElementTypeNode(), depth + 1);
  if (Node.isParenthesizedTypeNode(node)) return classesOfTypeNode(node.getTypeNode(), depth + 1);
  if (Node.isTypeReference(node)) {
    const name = node.getTypeName();
    const args = node.getTypeArguments();
    // Record<K, V>, Map<K, V>, ReadonlyArray<T>, Array<T>: the container's value type.
    if (args.length > 0 && /^(Record|Map|ReadonlyMap|Array|ReadonlyArray|Readonly)$/.test(name.getText())) return classesOfTypeNode(args[args.length - 1], depth + 1);
    return declarationsOf(Node.isQualifiedName(name) ? name.getRight() : name).flatMap((declaration) => {
      if (Node.isClassDeclaration(declaration)) return [declaration];
      if (Node.isTypeAliasDeclaration(declaration)) return classesOfTypeNode(declaration.getTypeNode(), depth + 1);
      return [];
    });
  }
  return [];
}

/** Classes a value expression can be (the class itself, not an instance). */
function classesOfValue(expression: Node, depth: number): Node[] {
  if (depth > MAX_DEPTH) return [];
  if (Node.isParenthesizedExpression(expression) || Node.isAsExpression(expression) || Node.isNonNullExpression(expression)) return classesOfValue(expression.getExpression(), depth + 1);
  if (Node.isClassExpression(expression)) return [expression];
  if (Node.isElementAccessExpression(expression)) return classesOfValue(expression.getExpression(), depth + 1);
  if (Node.isObjectLiteralExpression(expression)) {
    return expression.getProperties().flatMap((property) => {
      if (Node.isShorthandPropertyAssignment(property)) return classesOfValue(property.getNameNode(), depth + 1);
      if (Node.isPropertyAssignment(property)) return classesOfValue(property.getInitializerOrThrow(), depth + 1);
      return [];
    });
  }
  if (Node.isArrayLiteralExpression(expression)) return expression.getElements().flatMap((element) => classesOfValue(element, depth + 1));
  if (Node.isConditionalExpression(expression)) return [...classesOfValue(expression.getWhenTrue(), depth + 1), ...classesOfValue(expression.getWhenFalse(), depth + 1)];
  if (!Node.isIdentifier(expression) && !Node.isPropertyAccessExpression(expression)) return [];
  const target = Node.isPropertyAccessExpression(expression) ? expression.getNameNode() : expression;
  return declarationsOf(target).flatMap((declaration) => {
    if (Node.isClassDeclaration(declaration)) return [declaration];
    if (Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration) || Node.isParameterDeclaration(declaration)) {
      const annotated = classesOfTypeNode(declaration.getTypeNode(), depth + 1);
      if (annotated.length > 0) return annotated;
      const initializer = declaration.getInitializer();
      return initializer === undefined ? [] : classesOfValue(initializer, depth + 1);
    }
    return [];
  });
}

/** The type arguments of a collection's declared type (`Map<K, V>`, `Set<T>`, `T[]`), by annotation or `new Map<K, V>()`. */
function collectionArguments(collection: Node, depth: number): Node[] {
  if (depth > MAX_DEPTH) return [];
  const target = Node.isPropertyAccessExpression(collection) ? collection.getNameNode() : collection;
  if (!Node.isIdentifier(target)) return [];
  for (const declaration of declarationsOf(target)) {
    if (!(Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration) || Node.isParameterDeclaration(declaration))) continue;
    const typeNode = declaration.getTypeNode();
    if (typeNode !== undefined && Node.isArrayTypeNode(typeNode)) return [typeNode.getElementTypeNode()];
    if (typeNode !== undefined && Node.isTypeReference(typeNode)) return typeNode.getTypeArguments();
    const initializer = declaration.getInitializer();
    if (initializer !== undefined && Node.isNewExpression(initializer)) return initializer.getTypeArguments();
  }
  return [];
}

/** Classes of the elements `for (const x of collection)` visits: a Set's or array's items, a Map's keys() or values(). */
function elementClasses(collection: Node, depth: number): Node[] {
  const callee = Node.isCallExpression(collection) ? collection.getExpression() : undefined;
  if (callee !== undefined && Node.isPropertyAccessExpression(callee)) {
    const access = callee;
    const args = collectionArguments(access.getExpression(), depth + 1);
    if (access.getName() === 'keys' && args.length === 2) return classesOfTypeNode(args[0], depth + 1);
    if (access.getName() === 'values') return classesOfTypeNode(args[args.length - 1], depth + 1);
    return [];
  }
  const args = collectionArguments(collection, depth + 1);
  return args.length === 1 ? classesOfTypeNode(args[0], depth + 1) : [];
}

/** Classes an instance-valued expression can be an instance of, followed by hand (annotations, `new`, for-of). */
function instanceClasses(expression: Node, depth: number): Node[] {
  if (depth > MAX_DEPTH) return [];
  if (Node.isParenthesizedExpression(expression) || Node.isNonNullExpression(expression) || Node.isAsExpression(expression)) return instanceClasses(expression.getExpression(), depth + 1);
  if (Node.isNewExpression(expression)) return classesOfValue(expression.getExpression(), depth + 1);
  const target = Node.isPropertyAccessExpression(expression) ? expression.getNameNode() : expression;
  if (!Node.isIdentifier(target)) return [];
  return declarationsOf(target).flatMap((declaration) => {
    if (!(Node.isVariableDeclaration(declaration) || Node.isPropertyDeclaration(declaration) || Node.isParameterDeclaration(declaration))) return [];
    const annotated = classesOfTypeNode(declaration.getTypeNode(), depth + 1);
    if (annotated.length > 0) return annotated;
    const loop = declaration.getParent()?.getParent();
    if (Node.isVariableDeclaration(declaration) && Node.isForOfStatement(loop)) return elementClasses(loop.getExpression(), depth + 1);
    const initializer = declaration.getInitializer();
    return initializer === undefined ? [] : instanceClasses(initializer, depth + 1);
  });
}

/** The declarations of what an instance-valued expression is: by type, or followed by hand when the type is unknown. */
export function instanceDeclarations(expression: Node): Node[] {
  const typed = typeDeclarations(expression);
  return typed.length > 0 ? typed : instanceClasses(expression, 0);
}

/** The class declarations `construction` can build (by type, or followed by hand when the type is unknown). */
export function constructedClasses(construction: NewExpression): Node[] {
  const typed = typeDeclarations(construction);
  if (typed.length > 0) return typed;
  return classesOfValue(construction.getExpression(), 0);
}

export { typeDeclarations };
