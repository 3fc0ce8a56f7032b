import { readFileSync } from 'node:fs';
import { Node, Project, ts, type ClassDeclaration, type ClassExpression, type SourceFile } from 'ts-morph';
import { prefilterFiles } from '../discover/prefilter';
import { findManualMarkers } from './markers';
import { ModuleResolver } from './module-resolver';
import { readModuleScope, type ModuleScope } from './module-scope';
import { isShimSpecifier, isShimName } from './shim-modules';
import { ShimResolver, extendsExpression, type LegacyClassRecord, type Target } from './shim-resolver';
import { aliasResolverFor, readTsconfigOptions } from './tsconfig-options';
import type { AnalyseOptions, FileAnalysis, LegacyClass, LegacyImport, ParseError, ProjectAnalysis, ShimName } from './types';

/**
 * Analyses a codebase for legacy (shim) usage: the engine shared by `check` and `rewrite`.
 *
 * Files are first passed through the text prefilter (only files that can reach '@asynchat/shim'
 * through their text or their local imports are parsed), then parsed into one ts-morph Project
 * (in memory by default: edits never touch the disk by accident; write files yourself). Names are
 * resolved through every import form and local re-export module; classes are followed up their
 * `extends` chains across files.
 *
 * @example
 * ```ts
 * const analysis = analyseProject({ files: ['/repo/src/echo.ts', '/repo/src/handler.ts'] });
 * for (const file of analysis.files.values()) {
 *   for (const legacyClass of file.classes) console.log(file.path, legacyClass.chain.join(' -> '));
 * }
 * ```
 */
export function analyseProject(options: AnalyseOptions): ProjectAnalysis {
  const compilerOptions: ts.CompilerOptions = options.tsconfig ? readTsconfigOptions(options.tsconfig) : {};
  const aliasResolver = aliasResolverFor(compilerOptions);
  const readText = options.readText ?? ((path: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  });
  const customReader = options.readText;
  const modules = new ModuleResolver(aliasResolver, options.files, customReader ? (path) => customReader(path) !== null : undefined);
  const prefilter = options.prefilter ?? prefilterFiles(options.files, { resolver: modules, aliasesPossible: aliasResolver !== undefined, readText });

  const project = new Project({
    useInMemoryFileSystem: options.fileSystem !== 'disk',
    skipAddingFilesFromTsConfig: true,
    skipFileDependencyResolution: true,
    skipLoadingLibFiles: options.fileSystem !== 'disk',
    compilerOptions: { allowJs: true, ...withoutOutputOptions(compilerOptions) },
  });

  const toParse = new Set<string>([...prefilter.reachingShim, ...prefilter.candidates]);
  const scopes = new Map<string, ModuleScope>();
  const sourceFiles = new Map<string, SourceFile>();
  for (const path of toParse) {
    const text = prefilter.texts.get(path);
    if (text === undefined) continue;
    const sourceFile = project.createSourceFile(path, text, { overwrite: true });
    sourceFiles.set(path, sourceFile);
    scopes.set(path, readModuleScope(path, sourceFile.compilerNode));
  }
  const resolver = new ShimResolver(scopes, modules);
  const classWrappers = new Map<ts.ClassLikeDeclaration, LegacyClass>();

  const wrapClass = (record: LegacyClassRecord): LegacyClass => {
    const existing = classWrappers.get(record.node);
    if (existing) return existing;
    const sourceFile = sourceFiles.get(record.file) as SourceFile;
    const wrapped: LegacyClass = {
      node: wrapCompilerNode(sourceFile, record.node) as ClassDeclaration | ClassExpression,
      name: record.name,
      file: record.file,
      base: record.base,
      direct: record.direct,
      chain: record.chain,
      superClass: null,
    };
    classWrappers.set(record.node, wrapped);
    wrapped.superClass = record.superClass ? wrapClass(record.superClass) : null;
    return wrapped;
  };

  const files = new Map<string, FileAnalysis>();
  for (const path of prefilter.candidates) {
    const sourceFile = sourceFiles.get(path);
    const scope = scopes.get(path);
    if (!sourceFile || !scope) continue;
    const compilerFile = sourceFile.compilerNode;
    const parseErrors = readParseErrors(compilerFile);
    const imports = legacyImports(scope, resolver).map((site) => ({ ...site, node: wrapCompilerNode(sourceFile, site.statement) }));
    const classes = scope.classes
      .map((node) => resolver.legacyClass(path, node))
      .filter((record): record is LegacyClassRecord => record !== null)
      .map(wrapClass);
    const uses = findLegacyUses(scope, resolver).map((use) => ({ node: wrapCompilerNode(sourceFile, use.node), name: use.name }));
    const markers = findManualMarkers(compilerFile.text);
    files.set(path, {
      path,
      sourceFile,
      parseErrors,
      imports: imports.map(({ node, kind, specifier, viaLocalModule, bindings }) => ({ node, kind, specifier, viaLocalModule, bindings })),
      classes,
      uses,
      markers,
      reexportsOnly: isReexportOnly(scope, imports.length),
    });
  }

  const scopeOfNode = (node: Node): ModuleScope | undefined => scopes.get(node.getSourceFile().getFilePath());
  return {
    project,
    files,
    stats: { filesListed: options.files.length, filesRead: prefilter.filesRead, filesParsed: sourceFiles.size },
    resolveShimName(expression: Node): ShimName | null {
      const scope = scopeOfNode(expression);
      if (!scope) return null;
      const compilerNode = expression.compilerNode;
      let target: Target | null = null;
      if (ts.isQualifiedName(compilerNode) || (ts.isIdentifier(compilerNode) && !ts.isExpression(compilerNode))) target = resolver.resolveEntityName(scope, compilerNode as ts.EntityName);
      else if (ts.isExpression(compilerNode)) target = resolver.resolveExpression(scope, compilerNode);
      return target?.kind === 'shim-name' ? target.name : null;
    },
    legacyClassOf(node: ClassDeclaration | ClassExpression): LegacyClass | null {
      const file = node.getSourceFile().getFilePath();
      const record = resolver.legacyClass(file, node.compilerNode);
      return record ? wrapClass(record) : null;
    },
  };
}

/** Output options are irrelevant to analysis and some (composite, outDir) make ts-morph look at the disk. */
function withoutOutputOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const { composite: _composite, outDir: _outDir, declaration: _declaration, incremental: _incremental, tsBuildInfoFile: _tsBuildInfoFile, ...rest } = options;
  return rest;
}

/** The parser's own syntax errors, which ts.SourceFile keeps on an internal field. */
function readParseErrors(sourceFile: ts.SourceFile): ParseError[] {
  // parseDiagnostics is not in TypeScript's public typings but is how the compiler itself reports syntax errors.
  const diagnostics = (sourceFile as unknown as { parseDiagnostics?: readonly ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((diagnostic) => {
    const position = sourceFile.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
    return { line: position.line + 1, column: position.character + 1, message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n') };
  });
}

/** Finds the ts-morph wrapper of a compiler node of this source file. */
export function wrapCompilerNode(sourceFile: SourceFile, node: ts.Node): Node {
  const compilerFile = sourceFile.compilerNode;
  if (node === compilerFile) return sourceFile;
  const found = sourceFile.getDescendantAtStartWithWidth(node.getStart(compilerFile), node.getWidth(compilerFile));
  if (found) {
    for (let current: Node | undefined = found; current; current = current.getParent()) if (current.compilerNode === node) return current;
    for (const descendant of found.getDescendants()) if (descendant.compilerNode === node) return descendant;
  }
  for (const descendant of sourceFile.getDescendants()) if (descendant.compilerNode === node) return descendant;
  throw new Error(`internal: no ts-morph node for ${ts.SyntaxKind[node.kind]} at ${node.pos} in ${sourceFile.getFilePath()}`);
}

interface LegacyImportRecord extends Omit<LegacyImport, 'node'> {
  statement: ts.Node;
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
      ts.isImportDeclaration(statement) ||
      ts.isExportDeclaration(statement) ||
      ts.isImportEqualsDeclaration(statement) ||
      (ts.isExportAssignment(statement) && ts.isIdentifier(statement.expression)) ||
      (ts.isExpressionStatement(statement) && scope.imports.some((site) => site.statement === statement)) ||
      (ts.isExpressionStatement(statement) && ts.isStringLiteral(statement.expression)),
  );
}

interface LegacyUseRecord {
  node: ts.Node;
  name: ShimName;
}

function isDeclarationName(node: ts.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if ((ts.isPropertyAccessExpression(parent) || ts.isQualifiedName(parent)) && (parent as ts.PropertyAccessExpression).name === node) return true;
  if ((ts.isQualifiedName(parent) && parent.right === node)) return true;
  if (
    (ts.isVariableDeclaration(parent) ||
      ts.isParameter(parent) ||
      ts.isBindingElement(parent) ||
      ts.isFunctionDeclaration(parent) ||
      ts.isFunctionExpression(parent) ||
      ts.isClassDeclaration(parent) ||
      ts.isClassExpression(parent) ||
      ts.isMethodDeclaration(parent) ||
      ts.isPropertyDeclaration(parent) ||
      ts.isPropertyAssignment(parent) ||
      ts.isPropertySignature(parent) ||
      ts.isMethodSignature(parent) ||
      ts.isGetAccessor(parent) ||
      ts.isSetAccessor(parent) ||
      ts.isEnumMember(parent) ||
      ts.isInterfaceDeclaration(parent) ||
      ts.isTypeAliasDeclaration(parent) ||
      ts.isLabeledStatement(parent) ||
      ts.isJsxAttribute(parent)) &&
    (parent as { name?: ts.Node }).name === node
  ) {
    return true;
  }
  if (ts.isBindingElement(parent) && parent.propertyName === node) return true;
  if ((ts.isBreakStatement(parent) || ts.isContinueStatement(parent)) && parent.label === node) return true;
  return false;
}

/** True when a parameter or a nested declaration between `node` and the module scope reuses `name`. */
function isShadowed(node: ts.Node, name: string, declaration: ts.Node): boolean {
  const declares = (bindingName: ts.BindingName): boolean => {
    if (ts.isIdentifier(bindingName)) return bindingName.text === name;
    return bindingName.elements.some((element) => !ts.isOmittedExpression(element) && declares(element.name));
  };
  for (let current = node.parent; current && !ts.isSourceFile(current); current = current.parent) {
    if (ts.isFunctionLike(current) && current.parameters.some((parameter) => declares(parameter.name))) return true;
    if (ts.isCatchClause(current) && current.variableDeclaration && declares(current.variableDeclaration.name)) return true;
    if (ts.isBlock(current) || ts.isModuleBlock(current)) {
      for (const statement of current.statements) {
        if (ts.isVariableStatement(statement)) {
          for (const variable of statement.declarationList.declarations) if (variable !== declaration && declares(variable.name)) return true;
        } else if ((ts.isFunctionDeclaration(statement) || ts.isClassDeclaration(statement)) && statement.name?.text === name && statement !== declaration) {
          return true;
        }
      }
    }
    if ((ts.isForStatement(current) || ts.isForInStatement(current) || ts.isForOfStatement(current)) && current.initializer && ts.isVariableDeclarationList(current.initializer)) {
      if (current.initializer.declarations.some((variable) => variable !== declaration && declares(variable.name))) return true;
    }
  }
  return false;
}

/** References to shim names outside imports and `extends` clauses: `loop()`, `asyncore.socket_map`, `new simple_producer(x)`. */
function findLegacyUses(scope: ModuleScope, resolver: ShimResolver): LegacyUseRecord[] {
  const uses: LegacyUseRecord[] = [];
  if (scope.bindings.size === 0) return uses;
  const heritageExpressions = new Set<ts.Node>();
  for (const node of scope.classes) {
    const heritage = extendsExpression(node);
    if (heritage) heritageExpressions.add(heritage.expression);
  }
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node) || ts.isExportDeclaration(node) || heritageExpressions.has(node)) return;
    if (ts.isPropertyAccessExpression(node) || ts.isQualifiedName(node) || ts.isElementAccessExpression(node)) {
      const root = rootIdentifier(node);
      if (root && scope.bindings.has(root.text)) {
        const target = ts.isQualifiedName(node) ? resolver.resolveEntityName(scope, node) : resolver.resolveExpression(scope, node);
        if (target?.kind === 'shim-name') {
          const binding = scope.bindings.get(root.text);
          if (binding && !isShadowed(node, root.text, binding.declaration)) uses.push({ node, name: target.name });
          return;
        }
      }
    } else if (ts.isIdentifier(node)) {
      if (scope.bindings.has(node.text) && !isDeclarationName(node)) {
        const binding = scope.bindings.get(node.text);
        const target = resolver.lookupName(scope, node.text);
        if (binding && target?.kind === 'shim-name' && binding.declaration !== node.parent && !isShadowed(node, node.text, binding.declaration)) {
          uses.push({ node, name: target.name });
        }
      }
      return;
    } else if (ts.isShorthandPropertyAssignment(node)) {
      // `{ loop }` both names a property and uses the binding.
      visit(node.name);
      return;
    }
    ts.forEachChild(node, visit);
  };
  for (const statement of scope.sourceFile.statements) visit(statement);
  return uses;
}

function rootIdentifier(node: ts.Node): ts.Identifier | null {
  let current: ts.Node = node;
  for (;;) {
    if (ts.isIdentifier(current)) return current;
    if (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current)) current = current.expression;
    else if (ts.isQualifiedName(current)) current = current.left;
    else if (ts.isParenthesizedExpression(current) || ts.isAsExpression(current) || ts.isNonNullExpression(current)) current = current.expression;
    else return null;
  }
}
