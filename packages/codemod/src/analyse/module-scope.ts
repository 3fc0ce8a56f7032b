import type { ts } from 'ts-morph';
import { typescript } from './typescript';

/** How a module specifier appears: resolved later (the shim by name, local modules by path). */
export interface ModuleReference {
  specifier: string;
}

/**
 * What a name declared in a module stands for, before resolution. Resolution is lazy: a binding is
 * followed only when someone asks what an expression refers to.
 */
export type Binding =
  /** `import { a } from m`, `import d from m` (name 'default'), `export { a } from m`. */
  | { kind: 'module-member'; module: ModuleReference; name: string; declaration: ts.Node }
  /** `import * as ns from m`, `import x = require(m)`, `const x = require(m)`, `export * as ns from m`. */
  | { kind: 'module'; module: ModuleReference; declaration: ts.Node }
  /** `const x = <expression>`, `export default <expression>`. */
  | { kind: 'expression'; expression: ts.Expression; declaration: ts.Node }
  /** `const { a: x } = <expression>`. */
  | { kind: 'member-of-expression'; expression: ts.Expression; name: string; declaration: ts.Node }
  /** `class X ...` (declaration or named class expression). */
  | { kind: 'class'; node: ts.ClassLikeDeclaration; declaration: ts.Node }
  /** `export { local as name }`: the local name, looked up in the module's bindings. */
  | { kind: 'local'; name: string; declaration: ts.Node };

export type ImportKind = 'named' | 'default' | 'namespace' | 'require' | 'reexport' | 'dynamic-import';

/** A statement (or call) that names a module: a candidate legacy import once the module is resolved. */
export interface ImportSite {
  /** The statement to report and edit: ImportDeclaration, ExportDeclaration, ImportEqualsDeclaration, VariableStatement or ExpressionStatement. */
  statement: ts.Node;
  kind: ImportKind;
  specifier: string;
  /** local name -> imported name ('*' for the whole module); empty for `import 'm'`. */
  names: { local: string; imported: string }[];
}

/** Everything the resolver needs to know about one parsed module. */
export interface ModuleScope {
  path: string;
  sourceFile: ts.SourceFile;
  bindings: Map<string, Binding>;
  exports: Map<string, Binding>;
  starExports: ModuleReference[];
  /** `module.exports = x` / `export = x`. */
  exportEquals: ts.Expression | null;
  imports: ImportSite[];
  classes: ts.ClassLikeDeclaration[];
}

function unwrapExpression(expression: ts.Expression): ts.Expression {
  let current = expression;
  for (;;) {
    if (typescript.isParenthesizedExpression(current) || typescript.isAsExpression(current) || typescript.isNonNullExpression(current) || typescript.isSatisfiesExpression(current) || typescript.isTypeAssertionExpression(current)) {
      current = current.expression;
    } else {
      return current;
    }
  }
}
export { unwrapExpression };

/** `require('m')` -> 'm'; `import('m')` / `await import('m')` -> 'm'; otherwise null. */
export function moduleCallSpecifier(expression: ts.Expression): { specifier: string; dynamic: boolean } | null {
  let current = unwrapExpression(expression);
  if (typescript.isAwaitExpression(current)) current = unwrapExpression(current.expression);
  if (!typescript.isCallExpression(current) || current.arguments.length !== 1) return null;
  const argument = current.arguments[0] as ts.Expression;
  if (!typescript.isStringLiteralLike(argument)) return null;
  if (current.expression.kind === typescript.SyntaxKind.ImportKeyword) return { specifier: argument.text, dynamic: true };
  if (typescript.isIdentifier(current.expression) && current.expression.text === 'require') return { specifier: argument.text, dynamic: false };
  return null;
}

function hasModifier(node: ts.Node, kind: ts.SyntaxKind): boolean {
  return typescript.canHaveModifiers(node) && (typescript.getModifiers(node) ?? []).some((modifier) => modifier.kind === kind);
}

function propertyNameText(name: ts.PropertyName | ts.ModuleExportName): string | null {
  if (typescript.isIdentifier(name) || typescript.isStringLiteral(name) || typescript.isPrivateIdentifier(name)) return name.text;
  if (typescript.isNumericLiteral(name)) return name.text;
  return null;
}

/** `module.exports` or `exports` -> '' (the whole); `module.exports.X` / `exports.X` -> 'X'; otherwise null. */
function commonJsExportTarget(expression: ts.Expression): string | null {
  const isModuleExports = (node: ts.Expression): boolean =>
    typescript.isPropertyAccessExpression(node) && typescript.isIdentifier(node.expression) && node.expression.text === 'module' && node.name.text === 'exports';
  if (isModuleExports(expression)) return '';
  if (typescript.isPropertyAccessExpression(expression)) {
    const object = expression.expression;
    if (isModuleExports(object) || (typescript.isIdentifier(object) && object.text === 'exports')) return expression.name.text;
  }
  return null;
}

/**
 * Reads one module's declarations: imports, requires, exports (ES and CommonJS), top-level and
 * nested variable bindings and classes. Nested declarations are recorded only when no top-level one
 * has the name (scoping is approximated; shadowing is checked when a use is resolved).
 */
export function readModuleScope(path: string, sourceFile: ts.SourceFile): ModuleScope {
  const scope: ModuleScope = {
    path,
    sourceFile,
    bindings: new Map(),
    exports: new Map(),
    starExports: [],
    exportEquals: null,
    imports: [],
    classes: [],
  };
  const bind = (name: string, binding: Binding, override: boolean): void => {
    if (override || !scope.bindings.has(name)) scope.bindings.set(name, binding);
  };

  const readBindingName = (name: ts.BindingName, initializer: ts.Expression | undefined, declaration: ts.Node, topLevel: boolean, exported: boolean): void => {
    if (typescript.isIdentifier(name)) {
      if (initializer) {
        const call = moduleCallSpecifier(initializer);
        const binding: Binding = call
          ? { kind: 'module', module: { specifier: call.specifier }, declaration }
          : { kind: 'expression', expression: initializer, declaration };
        bind(name.text, binding, topLevel);
        if (exported) scope.exports.set(name.text, binding);
      }
      return;
    }
    if (typescript.isObjectBindingPattern(name) && initializer) {
      for (const element of name.elements) {
        if (element.dotDotDotToken) continue;
        const imported = element.propertyName ? propertyNameText(element.propertyName) : typescript.isIdentifier(element.name) ? element.name.text : null;
        if (imported === null) continue;
        if (typescript.isIdentifier(element.name)) {
          const binding: Binding = { kind: 'member-of-expression', expression: initializer, name: imported, declaration };
          bind(element.name.text, binding, topLevel);
          if (exported) scope.exports.set(element.name.text, binding);
        }
      }
    }
  };

  const readVariableStatement = (statement: ts.VariableStatement, topLevel: boolean): void => {
    const exported = topLevel && hasModifier(statement, typescript.SyntaxKind.ExportKeyword);
    for (const declaration of statement.declarationList.declarations) {
      readBindingName(declaration.name, declaration.initializer, declaration, topLevel, exported);
      const call = declaration.initializer ? moduleCallSpecifier(declaration.initializer) : null;
      if (call) {
        const names: ImportSite['names'] = [];
        if (typescript.isIdentifier(declaration.name)) names.push({ local: declaration.name.text, imported: '*' });
        else if (typescript.isObjectBindingPattern(declaration.name)) {
          for (const element of declaration.name.elements) {
            if (!typescript.isIdentifier(element.name)) continue;
            const imported = element.dotDotDotToken ? '*' : element.propertyName ? propertyNameText(element.propertyName) : element.name.text;
            if (imported !== null) names.push({ local: element.name.text, imported });
          }
        }
        scope.imports.push({ statement, kind: call.dynamic ? 'dynamic-import' : 'require', specifier: call.specifier, names });
      }
    }
  };

  for (const statement of sourceFile.statements) {
    if (typescript.isImportDeclaration(statement)) {
      if (!typescript.isStringLiteral(statement.moduleSpecifier)) continue;
      const module = { specifier: statement.moduleSpecifier.text };
      const names: ImportSite['names'] = [];
      let kind: ImportKind = 'named';
      const clause = statement.importClause;
      if (clause?.name) {
        kind = 'default';
        names.push({ local: clause.name.text, imported: 'default' });
        bind(clause.name.text, { kind: 'module-member', module, name: 'default', declaration: statement }, true);
      }
      const namedBindings = clause?.namedBindings;
      if (namedBindings && typescript.isNamespaceImport(namedBindings)) {
        if (!clause?.name) kind = 'namespace';
        names.push({ local: namedBindings.name.text, imported: '*' });
        bind(namedBindings.name.text, { kind: 'module', module, declaration: statement }, true);
      } else if (namedBindings) {
        for (const element of namedBindings.elements) {
          const imported = propertyNameText(element.propertyName ?? element.name) ?? element.name.text;
          names.push({ local: element.name.text, imported });
          bind(element.name.text, { kind: 'module-member', module, name: imported, declaration: statement }, true);
        }
      }
      scope.imports.push({ statement, kind, specifier: module.specifier, names });
    } else if (typescript.isImportEqualsDeclaration(statement)) {
      const reference = statement.moduleReference;
      if (typescript.isExternalModuleReference(reference) && typescript.isStringLiteral(reference.expression)) {
        const module = { specifier: reference.expression.text };
        bind(statement.name.text, { kind: 'module', module, declaration: statement }, true);
        scope.imports.push({ statement, kind: 'require', specifier: module.specifier, names: [{ local: statement.name.text, imported: '*' }] });
        if (hasModifier(statement, typescript.SyntaxKind.ExportKeyword)) scope.exports.set(statement.name.text, { kind: 'module', module, declaration: statement });
      }
    } else if (typescript.isExportDeclaration(statement)) {
      const specifier = statement.moduleSpecifier && typescript.isStringLiteral(statement.moduleSpecifier) ? statement.moduleSpecifier.text : null;
      const clause = statement.exportClause;
      if (specifier !== null) {
        const module = { specifier };
        const names: ImportSite['names'] = [];
        if (!clause) {
          scope.starExports.push(module);
          names.push({ local: '*', imported: '*' });
        } else if (typescript.isNamespaceExport(clause)) {
          const exportedName = propertyNameText(clause.name) ?? '*';
          scope.exports.set(exportedName, { kind: 'module', module, declaration: statement });
          names.push({ local: exportedName, imported: '*' });
        } else {
          for (const element of clause.elements) {
            const exportedName = propertyNameText(element.name);
            const imported = propertyNameText(element.propertyName ?? element.name);
            if (exportedName === null || imported === null) continue;
            scope.exports.set(exportedName, { kind: 'module-member', module, name: imported, declaration: statement });
            names.push({ local: exportedName, imported });
          }
        }
        scope.imports.push({ statement, kind: 'reexport', specifier, names });
      } else if (clause && typescript.isNamedExports(clause)) {
        for (const element of clause.elements) {
          const exportedName = propertyNameText(element.name);
          const local = propertyNameText(element.propertyName ?? element.name);
          if (exportedName !== null && local !== null) scope.exports.set(exportedName, { kind: 'local', name: local, declaration: statement });
        }
      }
    } else if (typescript.isExportAssignment(statement)) {
      if (statement.isExportEquals) scope.exportEquals = statement.expression;
      else scope.exports.set('default', { kind: 'expression', expression: statement.expression, declaration: statement });
    } else if (typescript.isVariableStatement(statement)) {
      readVariableStatement(statement, true);
    } else if (typescript.isClassDeclaration(statement)) {
      const exported = hasModifier(statement, typescript.SyntaxKind.ExportKeyword);
      const isDefault = hasModifier(statement, typescript.SyntaxKind.DefaultKeyword);
      const binding: Binding = { kind: 'class', node: statement, declaration: statement };
      if (statement.name) bind(statement.name.text, binding, true);
      if (exported) scope.exports.set(isDefault ? 'default' : (statement.name?.text ?? 'default'), binding);
    } else if (typescript.isFunctionDeclaration(statement) && statement.name) {
      // A function shadows any earlier binding of its name; it never stands for a shim value.
      scope.bindings.delete(statement.name.text);
    } else if (typescript.isExpressionStatement(statement) && typescript.isBinaryExpression(statement.expression) && statement.expression.operatorToken.kind === typescript.SyntaxKind.EqualsToken) {
      const target = commonJsExportTarget(statement.expression.left);
      const value = statement.expression.right;
      if (target === '') {
        const unwrapped = unwrapExpression(value);
        if (typescript.isObjectLiteralExpression(unwrapped)) {
          for (const property of unwrapped.properties) {
            if (typescript.isShorthandPropertyAssignment(property)) {
              scope.exports.set(property.name.text, { kind: 'local', name: property.name.text, declaration: statement });
            } else if (typescript.isPropertyAssignment(property)) {
              const name = propertyNameText(property.name);
              if (name !== null) scope.exports.set(name, { kind: 'expression', expression: property.initializer, declaration: statement });
            } else if (typescript.isSpreadAssignment(property)) {
              const call = moduleCallSpecifier(property.expression);
              if (call) scope.starExports.push({ specifier: call.specifier });
            }
          }
        } else {
          scope.exportEquals = value;
        }
      } else if (target !== null) {
        scope.exports.set(target, { kind: 'expression', expression: value, declaration: statement });
      }
      const call = moduleCallSpecifier(value);
      if (call && target !== null) {
        scope.imports.push({ statement, kind: 'reexport', specifier: call.specifier, names: [{ local: target === '' ? '*' : target, imported: '*' }] });
      }
    }
  }

  // Nested declarations, requires and dynamic imports, and every class.
  const visit = (node: ts.Node, topLevelStatement: boolean): void => {
    if (typescript.isClassDeclaration(node) || typescript.isClassExpression(node)) {
      scope.classes.push(node);
      if (typescript.isClassExpression(node) && node.name) bind(node.name.text, { kind: 'class', node, declaration: node }, false);
      if (typescript.isClassDeclaration(node) && node.name && !topLevelStatement) bind(node.name.text, { kind: 'class', node, declaration: node }, false);
    } else if (typescript.isVariableStatement(node) && !topLevelStatement) {
      readVariableStatement(node, false);
    } else if (typescript.isCallExpression(node) && !topLevelStatement) {
      const call = moduleCallSpecifier(node);
      // A require()/import() whose value is not bound to a name (bound ones were read with their statement).
      if (call && !isBoundModuleCall(node)) {
        scope.imports.push({ statement: enclosingStatement(node), kind: call.dynamic ? 'dynamic-import' : 'require', specifier: call.specifier, names: [] });
      }
    }
    typescript.forEachChild(node, (child) => visit(child, false));
  };
  for (const statement of sourceFile.statements) {
    if (typescript.isVariableStatement(statement) || typescript.isImportDeclaration(statement) || typescript.isImportEqualsDeclaration(statement)) {
      // Already read; still look inside initializers for classes and nested calls.
      if (typescript.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) if (declaration.initializer) visitInitializer(declaration.initializer);
      }
      continue;
    }
    if (typescript.isExpressionStatement(statement) && scope.imports.some((site) => site.statement === statement)) continue;
    visit(statement, true);
  }
  function visitInitializer(initializer: ts.Expression): void {
    if (moduleCallSpecifier(initializer)) return;
    visit(initializer, false);
  }
  return scope;
}

function isBoundModuleCall(call: ts.CallExpression): boolean {
  let node: ts.Node = call;
  while (typescript.isParenthesizedExpression(node.parent) || typescript.isAwaitExpression(node.parent) || typescript.isAsExpression(node.parent)) node = node.parent;
  return typescript.isVariableDeclaration(node.parent) && node.parent.initializer === node;
}

function enclosingStatement(node: ts.Node): ts.Node {
  let current: ts.Node = node;
  while (current.parent && !typescript.isSourceFile(current.parent) && !typescript.isBlock(current.parent) && !typescript.isModuleBlock(current.parent) && !typescript.isCaseClause(current.parent) && !typescript.isDefaultClause(current.parent)) {
    current = current.parent;
  }
  return current;
}
