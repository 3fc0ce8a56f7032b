import type { ts } from 'ts-morph';
import { unwrapExpression, type ModuleScope } from './module-scope';
import type { RawFileAnalysis, RawProjectAnalysis } from './raw-analysis';
import { isLegacyBase, isShimSpecifier } from '../shared/shim-modules';
import { SHIM_INSTANCE_MEMBERS } from './shim-members';
import type { LegacyClassRecord, ShimResolver, Target } from './shim-resolver';
import { typescript } from './typescript';
import type { LegacyBase } from './types';

/** A use of the shim's channel / dispatcher API on a value whose class comes from another file: `request.channel.set_terminator(n)`. */
export interface LegacyApiUseRecord {
  /** The property access (`channel.push_with_producer`); report at `node.name`. */
  node: ts.PropertyAccessExpression;
  member: string;
  /** The shim class whose API the member is. */
  base: LegacyBase;
  /** The receiver's class: a project class descending from `base` (name, absolute path), or null when typed as the shim class itself. */
  receiverClass: { name: string; file: string } | null;
  /** Who typed the receiver: the module graph (annotations, `new X()`, fields, JSDoc) or TypeScript's checker (tsconfig only). */
  via: 'module-graph' | 'type-checker';
}

/**
 * What a value is, as far as legacy-api cares. `other` is known not to be a shim channel
 * (primitives, arrays, literals, globals, package types); `unknown` is what only the type checker
 * could tell (call results, untyped parameters).
 */
type ValueType =
  | { kind: 'class'; file: string; node: ts.ClassLikeDeclaration }
  | { kind: 'shim-class'; name: LegacyBase }
  | { kind: 'shape'; file: string; node: ts.InterfaceDeclaration | ts.TypeLiteralNode }
  | { kind: 'other' }
  | { kind: 'unknown' };

const OTHER: ValueType = { kind: 'other' };
const UNKNOWN: ValueType = { kind: 'unknown' };
/** Inference follows variables, fields and aliases; deeper than this, a cycle or a pathological chain is assumed. */
const MAX_DEPTH = 12;

/** One typer per analysis, so that type declarations read for one file serve the next. */
const typers = new WeakMap<RawProjectAnalysis, ValueTyper>();

/**
 * The legacy-api uses in one analysed file: property accesses named like a member of the shim's
 * channel / dispatcher API (`SHIM_INSTANCE_MEMBERS`) whose receiver is typed as a class descending
 * from a shim class. The receiver is typed by the module graph first (type annotations of
 * parameters, variables and fields, `new X()`, `import type`, interfaces, JSDoc `@param` / `@type`
 * in JavaScript); what it cannot type goes to the type checker when the analysis is type-aware
 * (a tsconfig), and is otherwise not reported.
 *
 * Not reported, by design: `this.x` / `super.x` (the class itself is legacy-subclass); receivers
 * whose class is declared in this file (legacy-subclass reports it, and `rewrite` migrates the
 * class with its uses in the file); receivers typed as the shim class itself in a file that imports
 * the shim (legacy-import reports the import, which cannot go while the type is used); members
 * the project class declares itself (its own API, not the shim's).
 *
 * @example
 * ```ts
 * const analysis = analyseRaw({ files });
 * for (const file of analysis.files.values()) for (const use of findLegacyApiUses(analysis, file)) console.log(use.member);
 * ```
 */
export function findLegacyApiUses(analysis: RawProjectAnalysis, file: RawFileAnalysis): LegacyApiUseRecord[] {
  const scope = analysis.scopes.get(file.path);
  if (!scope) return [];
  let typer = typers.get(analysis);
  if (!typer) typers.set(analysis, (typer = new ValueTyper(analysis.resolver, analysis.scopes)));
  const uses: LegacyApiUseRecord[] = [];
  const importsShim = file.imports.length > 0;
  const visit = (node: ts.Node): void => {
    if (typescript.isPropertyAccessExpression(node) && SHIM_INSTANCE_MEMBERS.has(node.name.text)) {
      const use = legacyUseAt(node, scope, typer, analysis.resolver, file.path, importsShim);
      if (use) uses.push(use);
    }
    typescript.forEachChild(node, visit);
  };
  visit(file.sourceFile);
  return uses;
}

function legacyUseAt(access: ts.PropertyAccessExpression, scope: ModuleScope, typer: ValueTyper, resolver: ShimResolver, path: string, importsShim: boolean): LegacyApiUseRecord | null {
  const receiver = unwrapExpression(access.expression);
  if (receiver.kind === typescript.SyntaxKind.ThisKeyword || receiver.kind === typescript.SyntaxKind.SuperKeyword) return null;
  const member = access.name.text;
  const type = typer.typeOf(scope, receiver, 0);
  if (type.kind === 'class') {
    const record = resolver.legacyClass(type.file, type.node);
    if (!record || record.file === path || chainDeclares(record, member)) return null;
    return { node: access, member, base: record.base, receiverClass: { name: record.name ?? '(anonymous class)', file: record.file }, via: 'module-graph' };
  }
  if (type.kind === 'shim-class') return importsShim ? null : { node: access, member, base: type.name, receiverClass: null, via: 'module-graph' };
  if (type.kind !== 'unknown' || !resolver.typeFallback) return null;
  // Only the checker can type this receiver (a call result, an untyped callback parameter, ...).
  const typed = resolver.typeFallback.shimMemberOf(path, access);
  if (!typed) return null;
  if (typed.receiverClass === null ? importsShim : typed.receiverClass.file === path) return null;
  return { node: access, member, base: typed.base, receiverClass: typed.receiverClass, via: 'type-checker' };
}

/** True when a project class of the chain declares the member itself (its own method or field, not the shim's). */
function chainDeclares(record: LegacyClassRecord, member: string): boolean {
  for (let current: LegacyClassRecord | null = record; current; current = current.superClass) {
    if (classMember(current.node, member)) return true;
  }
  return false;
}

function memberNameText(name: ts.PropertyName | undefined): string | null {
  if (!name) return null;
  if (typescript.isIdentifier(name) || typescript.isStringLiteral(name) || typescript.isPrivateIdentifier(name) || typescript.isNumericLiteral(name)) return name.text;
  return null;
}

/** A member declared in the class body (method, field, accessor) or as a constructor parameter property. */
function classMember(node: ts.ClassLikeDeclaration, name: string): ts.ClassElement | ts.ParameterDeclaration | null {
  for (const element of node.members) {
    if (memberNameText(element.name) === name) return element;
    if (typescript.isConstructorDeclaration(element)) {
      for (const parameter of element.parameters) {
        if (typescript.isIdentifier(parameter.name) && parameter.name.text === name && typescript.getModifiers(parameter)?.length) return parameter;
      }
    }
  }
  return null;
}

function hasExportModifier(node: ts.Node): boolean {
  return typescript.canHaveModifiers(node) && (typescript.getModifiers(node) ?? []).some((modifier) => modifier.kind === typescript.SyntaxKind.ExportKeyword);
}

type TypeDeclaration = ts.ClassLikeDeclaration | ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

/**
 * Types expressions by the module graph: declarations found lexically, annotations resolved
 * through the ShimResolver (imports, aliases, re-export modules), class fields and interface
 * members followed across files.
 */
class ValueTyper {
  private readonly localTypes = new Map<string, Map<string, TypeDeclaration>>();

  constructor(
    private readonly resolver: ShimResolver,
    private readonly scopes: ReadonlyMap<string, ModuleScope>,
  ) {}

  typeOf(scope: ModuleScope, expression: ts.Expression, depth: number): ValueType {
    if (depth > MAX_DEPTH) return UNKNOWN;
    const node = expression;
    if (typescript.isParenthesizedExpression(node) || typescript.isNonNullExpression(node) || typescript.isSatisfiesExpression(node)) return this.typeOf(scope, node.expression, depth + 1);
    if (typescript.isAsExpression(node) || typescript.isTypeAssertionExpression(node)) return this.typeOfTypeNode(scope, node.type, depth + 1);
    if (node.kind === typescript.SyntaxKind.ThisKeyword) return this.enclosingClass(scope, node);
    if (typescript.isIdentifier(node)) return this.typeOfIdentifier(scope, node, depth + 1);
    if (typescript.isPropertyAccessExpression(node)) return this.memberType(this.typeOf(scope, node.expression, depth + 1), node.name.text, depth + 1);
    if (typescript.isNewExpression(node)) return this.typeOfConstructed(scope, node.expression);
    if (
      typescript.isStringLiteralLike(node) ||
      typescript.isNumericLiteral(node) ||
      typescript.isBigIntLiteral(node) ||
      typescript.isTemplateExpression(node) ||
      typescript.isRegularExpressionLiteral(node) ||
      typescript.isArrayLiteralExpression(node) ||
      typescript.isObjectLiteralExpression(node) ||
      typescript.isFunctionExpression(node) ||
      typescript.isArrowFunction(node) ||
      typescript.isClassExpression(node) ||
      node.kind === typescript.SyntaxKind.TrueKeyword ||
      node.kind === typescript.SyntaxKind.FalseKeyword ||
      node.kind === typescript.SyntaxKind.NullKeyword
    ) {
      return OTHER;
    }
    return UNKNOWN;
  }

  /** `new X(...)`: the class X names, the shim class itself, or a global / package constructor (Map, Buffer). */
  private typeOfConstructed(scope: ModuleScope, callee: ts.Expression): ValueType {
    const target = this.resolver.resolveExpression(scope, callee);
    if (target) return this.typeOfTarget(target);
    const unwrapped = unwrapExpression(callee);
    if (typescript.isIdentifier(unwrapped)) {
      const declaration = findLexicalDeclaration(unwrapped);
      if (declaration && typescript.isClassLike(declaration)) return { kind: 'class', file: scope.path, node: declaration };
      // A global (Map, Set, Error), a package's class, or a module that cannot reach the shim (it was
      // not parsed): not a shim channel. Shim classes re-exported by other packages are not followed.
      if (!declaration) return OTHER;
    }
    return UNKNOWN;
  }

  private typeOfTarget(target: Target): ValueType {
    if (target.kind === 'class') return { kind: 'class', file: target.file, node: target.node };
    if (target.kind === 'shim-name') return isLegacyBase(target.name) ? { kind: 'shim-class', name: target.name } : OTHER;
    return UNKNOWN;
  }

  private enclosingClass(scope: ModuleScope, node: ts.Node): ValueType {
    for (let current = node.parent; current; current = current.parent) {
      if (typescript.isClassLike(current)) return { kind: 'class', file: scope.path, node: current };
      // `this` in a non-arrow function, or in an object literal's method, is that function's receiver, not the class's.
      if (typescript.isFunctionDeclaration(current) || typescript.isFunctionExpression(current)) return UNKNOWN;
      if ((typescript.isMethodDeclaration(current) || typescript.isAccessor(current)) && typescript.isObjectLiteralExpression(current.parent)) return UNKNOWN;
    }
    return UNKNOWN;
  }

  private typeOfIdentifier(scope: ModuleScope, identifier: ts.Identifier, depth: number): ValueType {
    if (identifier.text === 'undefined') return OTHER;
    const declaration = findLexicalDeclaration(identifier);
    if (!declaration) {
      // An import bound to a value exported by another module (`export const server = new Server()`), or a global.
      const binding = scope.bindings.get(identifier.text);
      if (!binding) return OTHER;
      return this.typeOfImportedValue(scope, identifier.text, depth);
    }
    if (typescript.isParameter(declaration)) return this.typeOfParameter(scope, declaration, depth);
    if (typescript.isVariableDeclaration(declaration)) return this.typeOfVariable(scope, declaration, depth);
    if (typescript.isBindingElement(declaration)) return this.typeOfBindingElement(scope, declaration, depth);
    // A class, function, enum or import name used as a value: not an instance.
    return OTHER;
  }

  private typeOfImportedValue(scope: ModuleScope, name: string, depth: number): ValueType {
    const binding = scope.bindings.get(name);
    if (!binding) return OTHER;
    if (binding.kind === 'module-member') {
      const path = this.resolver.localModulePath(scope, binding.module.specifier);
      if (path === null) return OTHER;
      const target = this.scopes.get(path);
      const exported = target?.exports.get(binding.name);
      if (target && exported?.kind === 'expression') {
        // `export let spare: HttpChannel | null = null`: the annotation speaks before the initializer.
        if (typescript.isVariableDeclaration(exported.declaration)) return this.typeOfVariable(target, exported.declaration, depth + 1);
        return this.typeOf(target, exported.expression, depth + 1);
      }
      return exported?.kind === 'class' ? OTHER : UNKNOWN;
    }
    if (binding.kind === 'class') return OTHER;
    return UNKNOWN;
  }

  private typeOfParameter(scope: ModuleScope, parameter: ts.ParameterDeclaration, depth: number): ValueType {
    if (parameter.type) return this.typeOfTypeNode(scope, parameter.type, depth + 1);
    if (typescript.isIdentifier(parameter.name)) {
      const documented = this.jsDocType(scope, parameter.parent, 'param', parameter.name.text, depth);
      if (documented) return documented;
    }
    if (parameter.initializer) return this.typeOf(scope, parameter.initializer, depth + 1);
    return UNKNOWN;
  }

  private typeOfVariable(scope: ModuleScope, variable: ts.VariableDeclaration, depth: number): ValueType {
    if (variable.type) return this.typeOfTypeNode(scope, variable.type, depth + 1);
    const statement = variable.parent?.parent;
    if (statement && typescript.isVariableStatement(statement)) {
      const documented = this.jsDocType(scope, statement, 'type', null, depth);
      if (documented) return documented;
    }
    if (variable.initializer) return this.typeOf(scope, variable.initializer, depth + 1);
    const loop = variable.parent?.parent;
    if (loop && typescript.isForOfStatement(loop)) return this.elementType(this.declaredTypeOf(scope, loop.expression, depth + 1), depth + 1);
    return UNKNOWN;
  }

  /** `const { channel } = request`: the member of the initializer's type. */
  private typeOfBindingElement(scope: ModuleScope, element: ts.BindingElement, depth: number): ValueType {
    const pattern = element.parent;
    if (!typescript.isObjectBindingPattern(pattern) || element.dotDotDotToken) return UNKNOWN;
    const name = element.propertyName ? memberNameText(element.propertyName) : typescript.isIdentifier(element.name) ? element.name.text : null;
    const holder = pattern.parent;
    if (name === null) return UNKNOWN;
    // `function handle({ channel }: Request)`
    if (typescript.isParameter(holder)) return holder.type ? this.memberType(this.typeOfTypeNode(scope, holder.type, depth + 1), name, depth + 1) : UNKNOWN;
    if (!typescript.isVariableDeclaration(holder)) return UNKNOWN;
    if (holder.type) return this.memberType(this.typeOfTypeNode(scope, holder.type, depth + 1), name, depth + 1);
    return holder.initializer ? this.memberType(this.typeOf(scope, holder.initializer, depth + 1), name, depth + 1) : UNKNOWN;
  }

  /** For `for (const x of list)`: the declared type node of `list` when it is a variable, parameter or field, for its element type. */
  private declaredTypeOf(scope: ModuleScope, expression: ts.Expression, depth: number): { scope: ModuleScope; type: ts.TypeNode } | null {
    if (depth > MAX_DEPTH) return null;
    const node = unwrapExpression(expression);
    if (typescript.isIdentifier(node)) {
      const declaration = findLexicalDeclaration(node);
      if (declaration && (typescript.isParameter(declaration) || typescript.isVariableDeclaration(declaration)) && declaration.type) return { scope, type: declaration.type };
      return null;
    }
    if (typescript.isPropertyAccessExpression(node)) {
      const holder = this.typeOf(scope, node.expression, depth + 1);
      if (holder.kind !== 'class' && holder.kind !== 'shape') return null;
      const declaration = this.findMember(holder, node.name.text, depth + 1);
      if (declaration && (typescript.isPropertyDeclaration(declaration) || typescript.isPropertySignature(declaration) || typescript.isParameter(declaration)) && declaration.type) {
        const memberScope = this.scopes.get(declaration.getSourceFile().fileName);
        if (memberScope) return { scope: memberScope, type: declaration.type };
      }
    }
    return null;
  }

  /** The element type of `T[]`, `readonly T[]`, `Array<T>`, `ReadonlyArray<T>`, `Set<T>`, `ReadonlySet<T>`. */
  private elementType(declared: { scope: ModuleScope; type: ts.TypeNode } | null, depth: number): ValueType {
    if (!declared) return UNKNOWN;
    let type = declared.type;
    while (typescript.isParenthesizedTypeNode(type) || (typescript.isTypeOperatorNode(type) && type.operator === typescript.SyntaxKind.ReadonlyKeyword)) type = type.type;
    if (typescript.isArrayTypeNode(type)) return this.typeOfTypeNode(declared.scope, type.elementType, depth + 1);
    if (typescript.isTypeReferenceNode(type) && typescript.isIdentifier(type.typeName) && ['Array', 'ReadonlyArray', 'Set', 'ReadonlySet'].includes(type.typeName.text) && type.typeArguments?.length === 1) {
      return this.typeOfTypeNode(declared.scope, type.typeArguments[0] as ts.TypeNode, depth + 1);
    }
    return UNKNOWN;
  }

  /** The type of `holder.name`. */
  private memberType(holder: ValueType, name: string, depth: number): ValueType {
    if (depth > MAX_DEPTH) return UNKNOWN;
    // The shim's own attributes (`channel.socket`) are reported where used; what they hold is not followed.
    if (holder.kind === 'other' || holder.kind === 'shim-class') return OTHER;
    if (holder.kind === 'unknown') return UNKNOWN;
    const scope = this.scopes.get(holder.file);
    if (!scope) return UNKNOWN;
    const declaration = this.findMember(holder, name, depth + 1);
    if (!declaration) {
      if (holder.kind === 'class') {
        // JavaScript declares fields by assignment: `this.channel = channel` in the constructor.
        const assigned = this.assignedInConstructor(scope, holder.node, name, depth + 1);
        if (assigned) return assigned;
        // A member the shim class declares: its type is the shim's business (reported itself when used).
        if (this.resolver.legacyClass(holder.file, holder.node) && SHIM_INSTANCE_MEMBERS.has(name)) return OTHER;
      }
      return UNKNOWN;
    }
    const memberScope = this.scopes.get(declaration.getSourceFile().fileName) ?? scope;
    if (typescript.isMethodDeclaration(declaration) || typescript.isMethodSignature(declaration)) return OTHER;
    if (typescript.isGetAccessorDeclaration(declaration)) return declaration.type ? this.typeOfTypeNode(memberScope, declaration.type, depth + 1) : UNKNOWN;
    if (typescript.isPropertyDeclaration(declaration) || typescript.isPropertySignature(declaration) || typescript.isParameter(declaration)) {
      if (declaration.type) return this.typeOfTypeNode(memberScope, declaration.type, depth + 1);
      if ((typescript.isPropertyDeclaration(declaration) || typescript.isParameter(declaration)) && declaration.initializer) return this.typeOf(memberScope, declaration.initializer, depth + 1);
    }
    return UNKNOWN;
  }

  /** A member of a class (or its project base classes) or of an interface (or the interfaces it extends). */
  private findMember(holder: { kind: 'class' | 'shape'; file: string; node: ts.ClassLikeDeclaration | ts.InterfaceDeclaration | ts.TypeLiteralNode }, name: string, depth: number): ts.Node | null {
    if (depth > MAX_DEPTH) return null;
    const scope = this.scopes.get(holder.file);
    if (holder.kind === 'class') {
      const own = classMember(holder.node as ts.ClassLikeDeclaration, name);
      if (own) return own;
      const heritage = (holder.node as ts.ClassLikeDeclaration).heritageClauses?.find((clause) => clause.token === typescript.SyntaxKind.ExtendsKeyword)?.types[0];
      if (!heritage || !scope) return null;
      const base = this.resolver.resolveExpression(scope, heritage.expression);
      return base?.kind === 'class' ? this.findMember({ kind: 'class', file: base.file, node: base.node }, name, depth + 1) : null;
    }
    const shape = holder.node as ts.InterfaceDeclaration | ts.TypeLiteralNode;
    for (const member of shape.members) if (memberNameText(member.name) === name) return member;
    if (typescript.isInterfaceDeclaration(shape) && scope) {
      for (const clause of shape.heritageClauses ?? []) {
        for (const type of clause.types) {
          const parent = this.typeOfEntity(scope, type.expression, depth + 1);
          if (parent.kind === 'class' || parent.kind === 'shape') {
            const found = this.findMember(parent, name, depth + 1);
            if (found) return found;
          }
        }
      }
    }
    return null;
  }

  private assignedInConstructor(scope: ModuleScope, node: ts.ClassLikeDeclaration, name: string, depth: number): ValueType | null {
    const constructor = node.members.find(typescript.isConstructorDeclaration);
    if (!constructor?.body) return null;
    for (const statement of constructor.body.statements) {
      if (!typescript.isExpressionStatement(statement) || !typescript.isBinaryExpression(statement.expression)) continue;
      const { left, operatorToken, right } = statement.expression;
      if (operatorToken.kind !== typescript.SyntaxKind.EqualsToken || !typescript.isPropertyAccessExpression(left) || left.expression.kind !== typescript.SyntaxKind.ThisKeyword || left.name.text !== name) continue;
      const documented = this.jsDocType(scope, statement, 'type', null, depth);
      return documented ?? this.typeOf(scope, right, depth + 1);
    }
    return null;
  }

  /** Resolves a type annotation. Unresolved names are globals or package types: not the shim. */
  typeOfTypeNode(scope: ModuleScope, type: ts.TypeNode, depth: number): ValueType {
    if (depth > MAX_DEPTH) return UNKNOWN;
    if (typescript.isParenthesizedTypeNode(type)) return this.typeOfTypeNode(scope, type.type, depth + 1);
    if (typescript.isTypeReferenceNode(type)) return this.typeOfEntity(scope, type.typeName, depth + 1);
    if (typescript.isExpressionWithTypeArguments(type)) return this.typeOfEntity(scope, type.expression, depth + 1);
    if (typescript.isTypeLiteralNode(type)) return { kind: 'shape', file: scope.path, node: type };
    if (typescript.isImportTypeNode(type)) return this.typeOfImportType(scope, type, depth + 1);
    if (typescript.isUnionTypeNode(type) || typescript.isIntersectionTypeNode(type)) {
      let sawUnknown = false;
      for (const member of type.types) {
        const memberType = this.typeOfTypeNode(scope, member, depth + 1);
        if (memberType.kind === 'class' || memberType.kind === 'shim-class') return memberType;
        if (memberType.kind === 'unknown') sawUnknown = true;
      }
      return sawUnknown ? UNKNOWN : OTHER;
    }
    if (typescript.isTypeQueryNode(type) || typescript.isIndexedAccessTypeNode(type) || typescript.isConditionalTypeNode(type) || typescript.isMappedTypeNode(type)) return UNKNOWN;
    // Keywords (string, any, unknown), literals, arrays, tuples, functions: not a channel.
    return OTHER;
  }

  /** A type name: a class, interface or type alias of this file or another, the shim class, or a type parameter. */
  private typeOfEntity(scope: ModuleScope, name: ts.EntityName | ts.Expression, depth: number): ValueType {
    if (depth > MAX_DEPTH) return UNKNOWN;
    if (typescript.isIdentifier(name)) {
      const local = this.localTypeDeclarations(scope).get(name.text);
      if (local) return this.typeOfDeclaration(scope, local, depth + 1);
      const typeParameter = findTypeParameter(name);
      if (typeParameter) return typeParameter.constraint ? this.typeOfTypeNode(scope, typeParameter.constraint, depth + 1) : UNKNOWN;
    }
    const target = typescript.isIdentifier(name) || typescript.isQualifiedName(name) ? this.resolver.resolveEntityName(scope, name) : this.resolver.resolveExpression(scope, name);
    if (target) {
      const typed = this.typeOfTarget(target);
      if (typed.kind !== 'unknown') return typed;
    }
    // An interface or type alias exported by a local module (`import type { Request } from './request'`, `ns.Request`).
    const exported = this.exportedTypeOf(scope, name, depth + 1);
    return exported ?? OTHER;
  }

  private exportedTypeOf(scope: ModuleScope, name: ts.EntityName | ts.Expression, depth: number): ValueType | null {
    let modulePath: string | null = null;
    let exportedName: string | null = null;
    if (typescript.isIdentifier(name)) {
      const binding = scope.bindings.get(name.text);
      if (binding?.kind === 'module-member') {
        modulePath = this.resolver.localModulePath(scope, binding.module.specifier);
        exportedName = binding.name;
      }
    } else if (typescript.isQualifiedName(name) || typescript.isPropertyAccessExpression(name)) {
      const left = typescript.isQualifiedName(name) ? name.left : name.expression;
      const holder = typescript.isIdentifier(left) || typescript.isQualifiedName(left) ? this.resolver.resolveEntityName(scope, left) : null;
      if (holder?.kind === 'module') {
        modulePath = holder.path;
        exportedName = typescript.isQualifiedName(name) ? name.right.text : name.name.text;
      }
    }
    if (modulePath === null || exportedName === null) return null;
    return this.exportedType(modulePath, exportedName, depth + 1);
  }

  /** An exported interface / type alias / class named `name` in a parsed local module, following `export *`. */
  private exportedType(path: string, name: string, depth: number): ValueType | null {
    if (depth > MAX_DEPTH) return null;
    const scope = this.scopes.get(path);
    if (!scope) return null;
    const declaration = this.localTypeDeclarations(scope).get(name);
    if (declaration && hasExportModifier(declaration)) return this.typeOfDeclaration(scope, declaration, depth + 1);
    const target = this.resolver.resolveExport(path, name);
    if (target) return this.typeOfTarget(target);
    for (const star of scope.starExports) {
      const starPath = this.resolver.localModulePath(scope, star.specifier);
      const found = starPath ? this.exportedType(starPath, name, depth + 1) : null;
      if (found) return found;
    }
    return null;
  }

  private typeOfImportType(scope: ModuleScope, type: ts.ImportTypeNode, depth: number): ValueType {
    const argument = type.argument;
    if (!typescript.isLiteralTypeNode(argument) || !typescript.isStringLiteral(argument.literal) || !type.qualifier) return UNKNOWN;
    const specifier = argument.literal.text;
    const last = typescript.isIdentifier(type.qualifier) ? type.qualifier.text : type.qualifier.right.text;
    if (isShimSpecifier(specifier)) return isLegacyBase(last) ? { kind: 'shim-class', name: last } : OTHER;
    const path = this.resolver.localModulePath(scope, specifier);
    if (path === null) return OTHER;
    return this.exportedType(path, last, depth + 1) ?? UNKNOWN;
  }

  private typeOfDeclaration(scope: ModuleScope, declaration: TypeDeclaration, depth: number): ValueType {
    if (typescript.isClassLike(declaration)) return { kind: 'class', file: scope.path, node: declaration };
    if (typescript.isInterfaceDeclaration(declaration)) return { kind: 'shape', file: scope.path, node: declaration };
    return this.typeOfTypeNode(scope, declaration.type, depth + 1);
  }

  /** Top-level classes, interfaces and type aliases of a module, by name. */
  private localTypeDeclarations(scope: ModuleScope): Map<string, TypeDeclaration> {
    let declarations = this.localTypes.get(scope.path);
    if (!declarations) {
      declarations = new Map();
      for (const statement of scope.sourceFile.statements) {
        if ((typescript.isClassDeclaration(statement) || typescript.isInterfaceDeclaration(statement) || typescript.isTypeAliasDeclaration(statement)) && statement.name) {
          declarations.set(statement.name.text, statement);
        }
      }
      this.localTypes.set(scope.path, declarations);
    }
    return declarations;
  }

  /**
   * JavaScript's annotations: `@param {Type} name` on a function, `@type {Type}` on a variable
   * statement or a `this.x = ...` assignment. The raw analysis parses without JSDoc (it is
   * faster), so the comment text is read here; only JavaScript files are asked.
   */
  private jsDocType(scope: ModuleScope, owner: ts.Node, tag: 'param' | 'type', parameterName: string | null, depth: number): ValueType | null {
    if (!/\.[cm]?jsx?$/.test(scope.path)) return null;
    const text = scope.sourceFile.text;
    let commented: ts.Node = owner;
    // The comment sits before the statement that holds a function expression: `const f = function (x) {}`, `exports.f = (x) => {}`, `f(x) {}` in a class.
    while (
      commented.parent &&
      (typescript.isVariableDeclaration(commented.parent) ||
        typescript.isVariableDeclarationList(commented.parent) ||
        typescript.isVariableStatement(commented.parent) ||
        (typescript.isBinaryExpression(commented.parent) && commented.parent.right === commented) ||
        typescript.isExpressionStatement(commented.parent) ||
        typescript.isPropertyAssignment(commented.parent))
    ) {
      commented = commented.parent;
    }
    const ranges = typescript.getLeadingCommentRanges(text, commented.pos) ?? [];
    for (const range of ranges.reverse()) {
      const comment = text.slice(range.pos, range.end);
      if (!comment.startsWith('/**')) continue;
      const pattern = tag === 'param' ? /@param\s*\{([^}]*)\}\s*\[?([A-Za-z_$][\w$]*)/g : /@type\s*\{([^}]*)\}/g;
      for (let match = pattern.exec(comment); match; match = pattern.exec(comment)) {
        if (tag === 'param' && match[2] !== parameterName) continue;
        const documented = this.typeOfJsDocText(scope, match[1] as string, depth + 1);
        // An annotation this reader cannot follow (`{function(Buffer): void}`) leaves the code to speak.
        return documented.kind === 'unknown' ? null : documented;
      }
    }
    return null;
  }

  /** `Handler`, `ns.Handler`, `import('./handler').Handler`, `?Handler`, `Handler|null`. */
  private typeOfJsDocText(scope: ModuleScope, text: string, depth: number): ValueType {
    let sawUnknown = false;
    for (const part of text.split('|')) {
      const name = part.trim().replace(/^[?!]/, '').replace(/[=]$/, '');
      if (name === 'null' || name === 'undefined' || name === '') continue;
      const imported = /^import\(\s*(['"])([^'"]+)\1\s*\)\.([A-Za-z_$][\w$]*)$/.exec(name);
      let typed: ValueType = UNKNOWN;
      if (imported) {
        const specifier = imported[2] as string;
        const exportName = imported[3] as string;
        if (isShimSpecifier(specifier)) typed = isLegacyBase(exportName) ? { kind: 'shim-class', name: exportName } : OTHER;
        else {
          const path = this.resolver.localModulePath(scope, specifier);
          typed = path === null ? OTHER : (this.exportedType(path, exportName, depth + 1) ?? UNKNOWN);
        }
      } else if (/^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/.test(name)) {
        const [first, ...rest] = name.split('.');
        let target = this.resolver.lookupName(scope, first as string);
        for (const member of rest) target = this.resolver.member(target, member);
        typed = target ? this.typeOfTarget(target) : OTHER;
      }
      if (typed.kind === 'class' || typed.kind === 'shim-class') return typed;
      if (typed.kind === 'unknown') sawUnknown = true;
    }
    return sawUnknown ? UNKNOWN : OTHER;
  }
}

/** The declaration an identifier refers to, searched outwards through its enclosing scopes (null: a module binding or a global). */
function findLexicalDeclaration(identifier: ts.Identifier): ts.Node | null {
  const name = identifier.text;
  const declares = (bindingName: ts.BindingName): ts.Node | null => {
    if (typescript.isIdentifier(bindingName)) return bindingName.text === name ? bindingName.parent : null;
    for (const element of bindingName.elements) {
      if (typescript.isOmittedExpression(element)) continue;
      if (typescript.isIdentifier(element.name) && element.name.text === name) return element;
      if (!typescript.isIdentifier(element.name)) {
        const nested = declares(element.name);
        if (nested) return nested;
      }
    }
    return null;
  };
  const inStatements = (statements: readonly ts.Statement[]): ts.Node | null => {
    for (const statement of statements) {
      if (typescript.isVariableStatement(statement)) {
        for (const variable of statement.declarationList.declarations) {
          const found = declares(variable.name);
          if (found) return found;
        }
      } else if ((typescript.isClassDeclaration(statement) || typescript.isFunctionDeclaration(statement) || typescript.isEnumDeclaration(statement)) && statement.name?.text === name) {
        return statement;
      }
    }
    return null;
  };
  for (let current: ts.Node | undefined = identifier.parent; current; current = current.parent) {
    if (typescript.isFunctionLike(current)) {
      for (const parameter of current.parameters) {
        const found = declares(parameter.name);
        if (found) return found;
      }
    } else if (typescript.isBlock(current) || typescript.isModuleBlock(current) || typescript.isSourceFile(current) || typescript.isCaseClause(current) || typescript.isDefaultClause(current)) {
      const found = inStatements(current.statements);
      if (found) return found;
    } else if ((typescript.isForStatement(current) || typescript.isForOfStatement(current) || typescript.isForInStatement(current)) && current.initializer && typescript.isVariableDeclarationList(current.initializer)) {
      for (const variable of current.initializer.declarations) {
        const found = declares(variable.name);
        if (found) return found;
      }
    } else if (typescript.isCatchClause(current) && current.variableDeclaration) {
      const found = declares(current.variableDeclaration.name);
      if (found) return found;
    } else if (typescript.isClassExpression(current) && current.name?.text === name) {
      return current;
    }
  }
  return null;
}

/** The type parameter an identifier in a type position names, if an enclosing declaration declares it. */
function findTypeParameter(identifier: ts.Identifier): ts.TypeParameterDeclaration | null {
  for (let current: ts.Node | undefined = identifier.parent; current; current = current.parent) {
    const parameters = (current as { typeParameters?: ts.NodeArray<ts.TypeParameterDeclaration> }).typeParameters;
    const found = parameters?.find((parameter) => parameter.name.text === identifier.text);
    if (found) return found;
  }
  return null;
}
