import type { ts } from 'ts-morph';
import { prefilterFiles } from '../discover/prefilter';
import type { UnreadableSource } from '../discover/source-text';
import { findManualMarkers } from './markers';
import { ModuleResolver } from '../shared/module-resolver';
import { readModuleScope, type ModuleScope } from './module-scope';
import { isShimName, isShimSpecifier } from '../shared/shim-modules';
import { ShimResolver, extendsExpression, type LegacyClassRecord } from './shim-resolver';
import { aliasResolverFor, readTsconfigOptions } from './tsconfig-options';
import { createTypeFallback } from './type-fallback';
import { typescript } from './typescript';
import type { AnalyseOptions, AnalysisStats, LegacyImport, ManualMarker, ParseError, ShimName } from './types';

/** One legacy import statement, on compiler nodes. */
export interface LegacyImportRecord extends Omit<LegacyImport, 'node'> {
  statement: ts.Node;
}

/** A reference to a shim name, on compiler nodes. */
export interface LegacyUseRecord {
  node: ts.Node;
  name: ShimName;
}

/** What the analysis found in one listed file, on TypeScript's own nodes (no ts-morph wrappers). */
export interface RawFileAnalysis {
  path: string;
  sourceFile: ts.SourceFile;
  parseErrors: ParseError[];
  imports: LegacyImportRecord[];
  classes: LegacyClassRecord[];
  uses: LegacyUseRecord[];
  markers: ManualMarker[];
  reexportsOnly: boolean;
}

/** The analysis on TypeScript's own nodes: what `check` reads (fast), and what analyseProject wraps for ts-morph users. */
export interface RawProjectAnalysis {
  /** Listed files that can reach the shim or hold markers, by absolute path, in input order. */
  files: Map<string, RawFileAnalysis>;
  /** Every parsed file (listed or imported by one), by absolute path. */
  sourceFiles: Map<string, ts.SourceFile>;
  scopes: Map<string, ModuleScope>;
  resolver: ShimResolver;
  compilerOptions: ts.CompilerOptions;
  /** Listed files that could not be read, with the reason (the prefilter's list). */
  unreadable: UnreadableSource[];
  stats: AnalysisStats;
}

/** The script kind TypeScript gives a file of this name (JSX only in .tsx/.jsx; .js/.cjs/.mjs as JavaScript). */
export function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return typescript.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return typescript.ScriptKind.JSX;
  if (/\.[cm]?js$/.test(path)) return typescript.ScriptKind.JS;
  return typescript.ScriptKind.TS;
}

/**
 * The analysis itself: prefilter, parse (TypeScript's parser, no ts-morph), module scopes,
 * resolution. Use analyseProject for the ts-morph view of the same answers.
 *
 * @example
 * ```ts
 * const raw = analyseRaw({ files: ['/repo/src/echo.ts'] });
 * for (const file of raw.files.values()) console.log(file.path, file.classes.length);
 * ```
 */
export function analyseRaw(options: AnalyseOptions): RawProjectAnalysis {
  const compilerOptions: ts.CompilerOptions = options.tsconfig ? readTsconfigOptions(options.tsconfig) : {};
  const aliasResolver = aliasResolverFor(compilerOptions);
  const customReader = options.readText;
  const modules = new ModuleResolver(aliasResolver, options.files, customReader ? (path) => customReader(path) !== null : undefined);
  // Without a reader of the caller's, the prefilter's own reads the disk (decoded: no BOM, `\n` line ends).
  const prefilter =
    options.prefilter ??
    prefilterFiles(options.files, { resolver: modules, aliasesPossible: aliasResolver !== undefined, ...(customReader ? { readText: customReader } : {}) });

  const toParse = new Set<string>([...prefilter.reachingShim, ...prefilter.candidates]);
  const scopes = new Map<string, ModuleScope>();
  const sourceFiles = new Map<string, ts.SourceFile>();
  for (const path of toParse) {
    const text = prefilter.texts.get(path);
    if (text === undefined) continue;
    // Parent pointers are set by assignParents: TypeScript's own pass (setParentNodes) is several times slower.
    // JSDoc is never needed here (markers are line comments): skipping its parse saves time on documented code.
    const sourceFile = typescript.createSourceFile(
      path,
      text,
      { languageVersion: typescript.ScriptTarget.Latest, jsDocParsingMode: typescript.JSDocParsingMode.ParseNone },
      false,
      scriptKindOf(path),
    );
    assignParents(sourceFile);
    sourceFiles.set(path, sourceFile);
    scopes.set(path, readModuleScope(path, sourceFile));
  }
  // Type-aware mode (a tsconfig): the checker answers for bases the module graph cannot see.
  // A caller's checker (the ESLint plugin's, from typescript-eslint) replaces the tsconfig's own.
  // (createTypeFallback builds nothing until it is asked: handing it over costs nothing.)
  const tsconfigFallback = options.tsconfig ? createTypeFallback(compilerOptions) : undefined;
  const typeFallback = options.typeAware === false ? undefined : options.typeFallback ? options.typeFallback(tsconfigFallback) : tsconfigFallback;
  const resolver = new ShimResolver(scopes, modules, typeFallback);
  const files = new Map<string, RawFileAnalysis>();
  for (const path of prefilter.candidates) {
    const sourceFile = sourceFiles.get(path);
    const scope = scopes.get(path);
    if (!sourceFile || !scope) continue;
    const imports = legacyImports(scope, resolver);
    files.set(path, {
      path,
      sourceFile,
      parseErrors: readParseErrors(sourceFile),
      imports,
      classes: scope.classes.map((node) => resolver.legacyClass(path, node)).filter((record): record is LegacyClassRecord => record !== null),
      uses: findLegacyUses(scope, resolver),
      markers: findManualMarkers(sourceFile.text),
      reexportsOnly: isReexportOnly(scope, imports.length),
    });
  }
  return {
    files,
    sourceFiles,
    scopes,
    resolver,
    compilerOptions,
    unreadable: prefilter.unreadable,
    stats: { filesListed: options.files.length, filesRead: prefilter.filesRead, filesParsed: sourceFiles.size },
  };
}

/** Sets `parent` on every node below `node` (what createSourceFile's setParentNodes does, in one recursive pass). */
export function assignParents(node: ts.Node): void {
  typescript.forEachChild(node, (child) => {
    (child as { parent: ts.Node }).parent = node;
    assignParents(child);
  });
}

/** The parser's own syntax errors, which ts.SourceFile keeps on an internal field. */
function readParseErrors(sourceFile: ts.SourceFile): ParseError[] {
  // parseDiagnostics is not in TypeScript's public typings but is how the compiler itself reports syntax errors.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((diagnostic) => {
    const position = sourceFile.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return { line: position.line + 1, column: position.character + 1, message: typescript.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  });
}

function legacyImports(scope: ModuleScope, resolver: ShimResolver): LegacyImportRecord[] {
  const records: LegacyImportRecord[] = [];
  for (const site of scope.imports) {
    if (isShimSpecifier(site.specifier)) {
      const bindings: LegacyImport['bindings'] = [];
      for (const name of site.names) {
        if (name.imported === '*' || name.imported === 'default') bindings.push({ local: name.local, name: '*' });
        else if (isShimName(name.imported)) bindings.push({ local: name.local, name: name.imported });
      }
      records.push({ statement: site.statement, kind: site.kind, specifier: site.specifier, viaLocalModule: null, bindings });
      continue;
    }
    const path = resolver.localModulePath(scope, site.specifier);
    if (path === null) continue;
    const bindings: LegacyImport['bindings'] = [];
    for (const name of site.names) {
      if (name.imported === '*') {
        if (resolver.moduleExportsShim(path)) bindings.push({ local: name.local, name: '*' });
        continue;
      }
      const target = resolver.resolveExport(path, name.imported);
      if (target?.kind === 'shim-name') bindings.push({ local: name.local, name: target.name });
      else if (target?.kind === 'shim-module' || (target?.kind === 'module' && resolver.moduleExportsShim(target.path))) bindings.push({ local: name.local, name: '*' });
    }
    if (bindings.length > 0) records.push({ statement: site.statement, kind: site.kind, specifier: site.specifier, viaLocalModule: path, bindings });
  }
  return records;
}

/** A local module with nothing but imports and re-exports, at least one of them legacy. */
function isReexportOnly(scope: ModuleScope, legacyImportCount: number): boolean {
  if (legacyImportCount === 0 || scope.classes.length > 0) return false;
  return scope.sourceFile.statements.every(
    (statement) =>
      typescript.isImportDeclaration(statement) ||
      typescript.isExportDeclaration(statement) ||
      typescript.isImportEqualsDeclaration(statement) ||
      (typescript.isExportAssignment(statement) && typescript.isIdentifier(statement.expression)) ||
      (typescript.isExpressionStatement(statement) && scope.imports.some((site) => site.statement === statement)) ||
      (typescript.isExpressionStatement(statement) && typescript.isStringLiteral(statement.expression)),
  );
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if ((typescript.isPropertyAccessExpression(parent) || typescript.isQualifiedName(parent)) && (parent as ts.PropertyAccessExpression).name === node) return true;
  if ((typescript.isQualifiedName(parent) && parent.right === node)) return true;
  if (
    (typescript.isVariableDeclaration(parent) ||
      typescript.isParameter(parent) ||
      typescript.isBindingElement(parent) ||
      typescript.isFunctionDeclaration(parent) ||
      typescript.isFunctionExpression(parent) ||
      typescript.isClassDeclaration(parent) ||
      typescript.isClassExpression(parent) ||
      typescript.isMethodDeclaration(parent) ||
      typescript.isPropertyDeclaration(parent) ||
      typescript.isPropertyAssignment(parent) ||
      typescript.isPropertySignature(parent) ||
      typescript.isMethodSignature(parent) ||
      typescript.isGetAccessor(parent) ||
      typescript.isSetAccessor(parent) ||
      typescript.isEnumMember(parent) ||
      typescript.isInterfaceDeclaration(parent) ||
      typescript.isTypeAliasDeclaration(parent) ||
      typescript.isLabeledStatement(parent) ||
      typescript.isJsxAttribute(parent)) &&
    (parent as { name?: ts.Node }).name === node
  ) {
    return true;
  }
  if (typescript.isBindingElement(parent) && parent.propertyName === node) return true;
  if ((typescript.isBreakStatement(parent) || typescript.isContinueStatement(parent)) && parent.label === node) return true;
  return false;
}

/** True when a parameter or a nested declaration between `node` and the module scope reuses `name`. */
function isShadowed(node: ts.Node, name: string, declaration: ts.Node): boolean {
  const declares = (bindingName: ts.BindingName): boolean => {
    if (typescript.isIdentifier(bindingName)) return bindingName.text === name;
    return bindingName.elements.some((element) => !typescript.isOmittedExpression(element) && declares(element.name));
  };
  for (let current = node.parent; current && !typescript.isSourceFile(current); current = current.parent) {
    if (typescript.isFunctionLike(current) && current.parameters.some((parameter) => declares(parameter.name))) return true;
    if (typescript.isCatchClause(current) && current.variableDeclaration && declares(current.variableDeclaration.name)) return true;
    if (typescript.isBlock(current) || typescript.isModuleBlock(current)) {
      for (const statement of current.statements) {
        if (typescript.isVariableStatement(statement)) {
          for (const variable of statement.declarationList.declarations) if (variable !== declaration && declares(variable.name)) return true;
        } else if ((typescript.isFunctionDeclaration(statement) || typescript.isClassDeclaration(statement)) && statement.name?.text === name && statement !== declaration) {
          return true;
        }
      }
    }
    if ((typescript.isForStatement(current) || typescript.isForInStatement(current) || typescript.isForOfStatement(current)) && current.initializer && typescript.isVariableDeclarationList(current.initializer)) {
      if (current.initializer.declarations.some((variable) => variable !== declaration && declares(variable.name))) return true;
    }
  }
  return false;
}

/** References to shim names outside imports and `extends` clauses: `loop()`, `asyncore.socket_map`, `new simple_producer(x)`. */
function findLegacyUses(scope: ModuleScope, resolver: ShimResolver): LegacyUseRecord[] {
  const uses: LegacyUseRecord[] = [];
  // Only names that stand for something of the shim (a name, the module, a local module) can start a use.
  const relevant = new Set<string>();
  for (const name of scope.bindings.keys()) {
    const target = resolver.lookupName(scope, name);
    if (target && target.kind !== 'class') relevant.add(name);
  }
  if (relevant.size === 0) return uses;
  const heritageExpressions = new Set<ts.Node>();
  for (const node of scope.classes) {
    const heritage = extendsExpression(node);
    if (heritage) heritageExpressions.add(heritage.expression);
  }
  const visit = (node: ts.Node): void => {
    if (typescript.isImportDeclaration(node) || typescript.isImportEqualsDeclaration(node) || typescript.isExportDeclaration(node) || heritageExpressions.has(node)) return;
    if (typescript.isPropertyAccessExpression(node) || typescript.isQualifiedName(node) || typescript.isElementAccessExpression(node)) {
      const root = rootIdentifier(node);
      if (root && relevant.has(root.text)) {
        const target = typescript.isQualifiedName(node) ? resolver.resolveEntityName(scope, node) : resolver.resolveExpression(scope, node);
        if (target?.kind === 'shim-name') {
          const binding = scope.bindings.get(root.text);
          if (binding && !isShadowed(node, root.text, binding.declaration)) uses.push({ node, name: target.name });
          return;
        }
      }
    } else if (typescript.isIdentifier(node)) {
      if (relevant.has(node.text) && !isDeclarationName(node)) {
        const binding = scope.bindings.get(node.text);
        const target = resolver.lookupName(scope, node.text);
        if (binding && target?.kind === 'shim-name' && binding.declaration !== node.parent && !isShadowed(node, node.text, binding.declaration)) {
          uses.push({ node, name: target.name });
        }
      }
      return;
    } else if (typescript.isShorthandPropertyAssignment(node)) {
      // `{ loop }` both names a property and uses the binding.
      visit(node.name);
      return;
    }
    typescript.forEachChild(node, visit);
  };
  for (const statement of scope.sourceFile.statements) visit(statement);
  return uses;
}

function rootIdentifier(node: ts.Node): ts.Identifier | null {
  let current: ts.Node = node;
  for (;;) {
    if (typescript.isIdentifier(current)) return current;
    if (typescript.isPropertyAccessExpression(current) || typescript.isElementAccessExpression(current)) current = current.expression;
    else if (typescript.isQualifiedName(current)) current = current.left;
    else if (typescript.isParenthesizedExpression(current) || typescript.isAsExpression(current) || typescript.isNonNullExpression(current)) current = current.expression;
    else return null;
  }
}
