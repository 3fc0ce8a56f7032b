import type { ts } from 'ts-morph';
import { typescript } from './typescript';
import type { ModuleResolver } from '../shared/module-resolver';
import { moduleCallSpecifier, unwrapExpression, type Binding, type ModuleScope } from './module-scope';
import { isLegacyBase, isShimName, isShimSpecifier } from '../shared/shim-modules';
import type { TypeFallback } from './type-fallback';
import type { LegacyBase, ShimName } from './types';

/** What an expression or name stands for, as far as the migration cares. */
export type Target =
  /** The shim module object itself (namespace import, default import, plain require). */
  | { kind: 'shim-module' }
  | { kind: 'shim-name'; name: ShimName }
  /** The namespace object of a local module. */
  | { kind: 'module'; path: string }
  | { kind: 'class'; file: string; node: ts.ClassLikeDeclaration };

/** A class descending from a shim class, on compiler nodes (the public LegacyClass wraps it). */
export interface LegacyClassRecord {
  node: ts.ClassLikeDeclaration;
  file: string;
  name: string | undefined;
  base: LegacyBase;
  direct: boolean;
  chain: string[];
  superClass: LegacyClassRecord | null;
}

/** The `extends` expression of a class, if any. */
export function extendsExpression(node: ts.ClassLikeDeclaration): ts.ExpressionWithTypeArguments | undefined {
  const clause = node.heritageClauses?.find((heritage) => heritage.token === typescript.SyntaxKind.ExtendsKeyword);
  return clause?.types[0];
}

/** The class's own name, or the name of the variable a class expression is assigned to. */
export function classDisplayName(node: ts.ClassLikeDeclaration): string | undefined {
  if (node.name) return node.name.text;
  let parent = node.parent;
  while (parent && (typescript.isParenthesizedExpression(parent) || typescript.isAsExpression(parent))) parent = parent.parent;
  if (!parent) return undefined;
  if (typescript.isVariableDeclaration(parent) && typescript.isIdentifier(parent.name)) return parent.name.text;
  if (typescript.isPropertyAssignment(parent) && (typescript.isIdentifier(parent.name) || typescript.isStringLiteral(parent.name))) return parent.name.text;
  // `exports.Handler = class extends ...` / `module.exports.Handler = class ...`
  if (typescript.isBinaryExpression(parent) && typescript.isPropertyAccessExpression(parent.left)) return parent.left.name.text;
  return undefined;
}

/**
 * Follows names through imports, aliases, namespaces, requires, local re-export modules and
 * CommonJS exports to the shim names they stand for; and classes up their `extends` chains to a
 * shim class. Works on the module scopes of the files that passed the prefilter: a module that is
 * not among them cannot reach the shim, so it resolves to nothing.
 */
export class ShimResolver {
  private readonly exportCache = new Map<string, Target | null>();
  private readonly exportsShimCache = new Map<string, boolean>();
  private readonly classCache = new Map<ts.ClassLikeDeclaration, LegacyClassRecord | null>();
  private readonly inProgress = new Set<string | ts.Node>();

  constructor(
    private readonly scopes: ReadonlyMap<string, ModuleScope>,
    private readonly modules: ModuleResolver,
    /** Type-aware mode: asked for classes whose base the module graph cannot see (and, by check's legacy-api rule, for receivers it cannot type). */
    readonly typeFallback?: TypeFallback,
  ) {}

  /**
   * True when an `extends` expression is computed (a call, a conditional, a variable holding one),
   * as opposed to a name the module graph resolved to something that is not the shim (a package
   * import, a global such as Array): only then is the type checker worth asking.
   */
  isOpaque(scope: ModuleScope, expression: ts.Expression, depth: number): boolean {
    if (depth > 8) return false;
    const node = unwrapExpression(expression);
    if (typescript.isCallExpression(node) || typescript.isConditionalExpression(node) || typescript.isBinaryExpression(node) || typescript.isNewExpression(node)) return true;
    if (typescript.isPropertyAccessExpression(node) || typescript.isElementAccessExpression(node)) return this.isOpaque(scope, node.expression, depth + 1);
    if (!typescript.isIdentifier(node)) return false;
    const binding = scope.bindings.get(node.text);
    if (!binding) return false;
    if (binding.kind === 'expression' || binding.kind === 'member-of-expression') return this.isOpaque(scope, binding.expression, depth + 1);
    return false;
  }

  scopeOf(path: string): ModuleScope | undefined {
    return this.scopes.get(path);
  }

  moduleTarget(scope: ModuleScope, specifier: string): Target | null {
    if (isShimSpecifier(specifier)) return { kind: 'shim-module' };
    const path = this.modules.resolve(specifier, scope.path);
    if (path === null) return null;
    const target = this.scopes.get(path);
    if (!target) return null;
    // `module.exports = X` / `export = X`: the module object is X (for require, import = and namespace imports alike).
    if (target.exportEquals) {
      const key = `${path}\0export-equals`;
      if (!this.inProgress.has(key)) {
        this.inProgress.add(key);
        try {
          const whole = this.resolveExpression(target, target.exportEquals);
          if (whole) return whole;
        } finally {
          this.inProgress.delete(key);
        }
      }
    }
    return { kind: 'module', path };
  }

  /** The local module path a specifier names, when it was parsed (it can reach the shim). */
  localModulePath(scope: ModuleScope, specifier: string): string | null {
    if (isShimSpecifier(specifier)) return null;
    const path = this.modules.resolve(specifier, scope.path);
    return path !== null && this.scopes.has(path) ? path : null;
  }

  resolveBinding(scope: ModuleScope, binding: Binding): Target | null {
    switch (binding.kind) {
      case 'class':
        return { kind: 'class', file: scope.path, node: binding.node };
      case 'expression':
        return this.resolveExpression(scope, binding.expression);
      case 'member-of-expression':
        return this.member(this.resolveExpression(scope, binding.expression), binding.name);
      case 'module':
        return this.moduleTarget(scope, binding.module.specifier);
      case 'module-member':
        return this.member(this.moduleTarget(scope, binding.module.specifier), binding.name);
      case 'local':
        return this.lookupName(scope, binding.name);
    }
  }

  lookupName(scope: ModuleScope, name: string): Target | null {
    const binding = scope.bindings.get(name);
    if (!binding) return null;
    const key = `${scope.path}\0binding\0${name}`;
    if (this.inProgress.has(key)) return null;
    this.inProgress.add(key);
    try {
      return this.resolveBinding(scope, binding);
    } finally {
      this.inProgress.delete(key);
    }
  }

  resolveExpression(scope: ModuleScope, expression: ts.Expression): Target | null {
    const node = unwrapExpression(expression);
    if (typescript.isIdentifier(node)) return this.lookupName(scope, node.text);
    if (typescript.isPropertyAccessExpression(node)) return this.member(this.resolveExpression(scope, node.expression), node.name.text);
    if (typescript.isElementAccessExpression(node) && typescript.isStringLiteralLike(node.argumentExpression)) {
      return this.member(this.resolveExpression(scope, node.expression), node.argumentExpression.text);
    }
    if (typescript.isClassExpression(node)) return { kind: 'class', file: scope.path, node };
    const call = moduleCallSpecifier(node);
    if (call) return this.moduleTarget(scope, call.specifier);
    return null;
  }

  /** Resolves an entity name in a type position (`asynchat.async_chat` as a type). */
  resolveEntityName(scope: ModuleScope, name: ts.EntityName): Target | null {
    if (typescript.isIdentifier(name)) return this.lookupName(scope, name.text);
    return this.member(this.resolveEntityName(scope, name.left), name.right.text);
  }

  member(target: Target | null, name: string): Target | null {
    if (target === null) return null;
    if (target.kind === 'shim-module') {
      if (name === 'default') return target;
      return isShimName(name) ? { kind: 'shim-name', name } : null;
    }
    if (target.kind === 'module') return this.resolveExport(target.path, name);
    return null;
  }

  /** What `name` exported by the local module at `path` stands for. */
  resolveExport(path: string, name: string): Target | null {
    const key = `${path}\0export\0${name}`;
    if (this.exportCache.has(key)) return this.exportCache.get(key) ?? null;
    if (this.inProgress.has(key)) return null;
    const scope = this.scopes.get(path);
    if (!scope) return null;
    this.inProgress.add(key);
    let result: Target | null = null;
    try {
      if (scope.exportEquals) {
        const whole = this.resolveExpression(scope, scope.exportEquals);
        result = name === 'default' ? whole : this.member(whole, name);
      } else {
        const binding = scope.exports.get(name);
        if (binding) result = this.resolveBinding(scope, binding);
        if (!result && name !== 'default') {
          for (const star of scope.starExports) {
            result = this.member(this.moduleTarget(scope, star.specifier), name);
            if (result) break;
          }
        }
      }
    } finally {
      this.inProgress.delete(key);
    }
    this.exportCache.set(key, result);
    return result;
  }

  /** True when the local module at `path` exports any shim name (directly or re-exported). */
  moduleExportsShim(path: string): boolean {
    const cached = this.exportsShimCache.get(path);
    if (cached !== undefined) return cached;
    const key = `${path}\0exports-shim`;
    if (this.inProgress.has(key)) return false;
    const scope = this.scopes.get(path);
    if (!scope) return false;
    this.inProgress.add(key);
    let result = false;
    try {
      const isShimTarget = (target: Target | null): boolean =>
        target !== null && (target.kind === 'shim-module' || target.kind === 'shim-name' || (target.kind === 'module' && this.moduleExportsShim(target.path)));
      if (scope.exportEquals) result = isShimTarget(this.resolveExpression(scope, scope.exportEquals));
      if (!result) for (const name of scope.exports.keys()) if (isShimTarget(this.resolveExport(path, name))) { result = true; break; }
      if (!result) for (const star of scope.starExports) if (isShimTarget(this.moduleTarget(scope, star.specifier))) { result = true; break; }
    } finally {
      this.inProgress.delete(key);
    }
    this.exportsShimCache.set(path, result);
    return result;
  }

  /** The legacy record of a class in a parsed module, or null when it does not descend from a shim class. */
  legacyClass(file: string, node: ts.ClassLikeDeclaration): LegacyClassRecord | null {
    if (this.classCache.has(node)) return this.classCache.get(node) ?? null;
    if (this.inProgress.has(node)) return null;
    const scope = this.scopes.get(file);
    const heritage = extendsExpression(node);
    if (!scope || !heritage) {
      this.classCache.set(node, null);
      return null;
    }
    this.inProgress.add(node);
    let record: LegacyClassRecord | null = null;
    try {
      const target = this.resolveExpression(scope, heritage.expression);
      const name = classDisplayName(node);
      const displayName = name ?? '(anonymous class)';
      if (target?.kind === 'shim-name' && isLegacyBase(target.name)) {
        record = { node, file, name, base: target.name, direct: true, chain: [displayName, target.name], superClass: null };
      } else if (target?.kind === 'class') {
        const parent = this.legacyClass(target.file, target.node);
        if (parent) record = { node, file, name, base: parent.base, direct: false, chain: [displayName, ...parent.chain], superClass: parent };
      } else if (target === null && this.typeFallback && this.isOpaque(scope, heritage.expression, 0)) {
        // A base computed at run time (mixin call, conditional, factory): only the type checker can tell.
        const base = this.typeFallback.legacyBaseOf(file, node);
        if (base) record = { node, file, name, base, direct: false, chain: [displayName, base], superClass: null };
      }
    } finally {
      this.inProgress.delete(node);
    }
    this.classCache.set(node, record);
    return record;
  }
}
