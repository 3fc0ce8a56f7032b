import type { ClassDeclaration, ClassExpression, Node, Project, SourceFile, ts } from 'ts-morph';
import { analyseRaw, type RawFileAnalysis, type RawProjectAnalysis } from './raw-analysis';
import type { LegacyClassRecord, Target } from './shim-resolver';
import { typescript } from './typescript';
import type { AnalyseOptions, FileAnalysis, LegacyClass, LegacyImport, LegacyUse, ProjectAnalysis, ShimName } from './types';

/**
 * Analyses a codebase for legacy (shim) usage: the engine shared by `check` and `rewrite`.
 *
 * Files first pass the text prefilter (only files that can reach '@asynchat/shim' through their
 * text or their local imports are parsed); names are resolved through every import form and local
 * re-export module; classes are followed up their `extends` chains across files.
 *
 * The ts-morph view is built lazily: the Project and a file's ts-morph SourceFile and nodes are
 * created the first time one of that file's `sourceFile` / `imports` / `classes` / `uses` is read
 * (all of that file's nodes at once, so read them before editing the file). The Project lives in
 * an in-memory file system by default: nothing is written by accident; write edited text yourself.
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
  return wrapRawAnalysis(analyseRaw(options), options);
}

/** Output options are irrelevant to analysis and some (composite, outDir) make ts-morph look at the disk. */
function withoutOutputOptions(options: ts.CompilerOptions): ts.CompilerOptions {
  const { composite: _composite, outDir: _outDir, declaration: _declaration, incremental: _incremental, tsBuildInfoFile: _tsBuildInfoFile, ...rest } = options;
  return rest;
}

/** The ts-morph node for a compiler node of the analysed text (matched by kind and span). */
export function toMorphNode(sourceFile: SourceFile, node: ts.Node, compilerFile: ts.SourceFile): Node {
  if (node.kind === typescript.SyntaxKind.SourceFile) return sourceFile;
  const start = node.getStart(compilerFile);
  const end = node.getEnd();
  const matches = (candidate: Node): boolean => candidate.getKind() === node.kind && candidate.getStart() === start && candidate.getEnd() === end;
  const found = sourceFile.getDescendantAtStartWithWidth(start, end - start);
  if (found) {
    for (let current: Node | undefined = found; current; current = current.getParent()) if (matches(current)) return current;
    for (const descendant of found.getDescendants()) if (matches(descendant)) return descendant;
  }
  for (const descendant of sourceFile.getDescendants()) if (matches(descendant)) return descendant;
  throw new Error(`internal: no ts-morph node for ${typescript.SyntaxKind[node.kind]} at ${start} in ${sourceFile.getFilePath()} (was the file edited before its nodes were read?)`);
}

/** The compiler node of the analysed text that a ts-morph node stands for, or null when the text changed. */
function toCompilerNode(compilerFile: ts.SourceFile, node: Node): ts.Node | null {
  const start = node.getStart();
  const end = node.getEnd();
  const kind = node.getKind();
  if (kind === typescript.SyntaxKind.SourceFile) return compilerFile;
  let found: ts.Node | null = null;
  const visit = (candidate: ts.Node): boolean => {
    if (candidate.pos > start || candidate.end < end) return false;
    if (candidate.kind === kind && candidate.getStart(compilerFile) === start && candidate.end === end) {
      found = candidate;
      return true;
    }
    return typescript.forEachChild(candidate, visit) ?? false;
  };
  typescript.forEachChild(compilerFile, visit);
  return found;
}

/**
 * The public (ts-morph) view of a raw analysis.
 */
export function wrapRawAnalysis(raw: RawProjectAnalysis, options: Pick<AnalyseOptions, 'fileSystem'> = {}): ProjectAnalysis {
  let project: Project | undefined;
  let allFilesAdded = false;
  const morphFiles = new Map<string, SourceFile>();
  const getProject = (): Project => {
    if (!project) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Project: ProjectClass } = require('ts-morph') as typeof import('ts-morph');
      project = new ProjectClass({
        useInMemoryFileSystem: options.fileSystem !== 'disk',
        skipAddingFilesFromTsConfig: true,
        skipFileDependencyResolution: true,
        skipLoadingLibFiles: options.fileSystem !== 'disk',
        compilerOptions: { allowJs: true, ...withoutOutputOptions(raw.compilerOptions) },
      });
    }
    return project;
  };
  const morphFile = (path: string): SourceFile => {
    let sourceFile = morphFiles.get(path);
    if (!sourceFile) {
      const compilerFile = raw.sourceFiles.get(path);
      if (!compilerFile) throw new Error(`internal: ${path} was not analysed`);
      sourceFile = getProject().createSourceFile(path, compilerFile.text, { overwrite: true });
      morphFiles.set(path, sourceFile);
    }
    return sourceFile;
  };
  const classWrappers = new Map<ts.ClassLikeDeclaration, LegacyClass>();
  const wrapClass = (record: LegacyClassRecord): LegacyClass => {
    const existing = classWrappers.get(record.node);
    if (existing) return existing;
    const compilerFile = raw.sourceFiles.get(record.file) as ts.SourceFile;
    const wrapped: LegacyClass = {
      node: toMorphNode(morphFile(record.file), record.node, compilerFile) as ClassDeclaration | ClassExpression,
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
  for (const rawFile of raw.files.values()) files.set(rawFile.path, lazyFileAnalysis(rawFile, morphFile, wrapClass));

  const compilerNodeOf = (node: Node): { path: string; compilerNode: ts.Node } | null => {
    const path = node.getSourceFile().getFilePath();
    const compilerFile = raw.sourceFiles.get(path);
    if (!compilerFile) return null;
    const compilerNode = toCompilerNode(compilerFile, node);
    return compilerNode ? { path, compilerNode } : null;
  };

  return {
    get project(): Project {
      if (!allFilesAdded) {
        for (const path of raw.sourceFiles.keys()) morphFile(path);
        allFilesAdded = true;
      }
      return getProject();
    },
    files,
    stats: raw.stats,
    resolveShimName(expression: Node): ShimName | null {
      const located = compilerNodeOf(expression);
      const scope = located ? raw.scopes.get(located.path) : undefined;
      if (!located || !scope) return null;
      const { compilerNode } = located;
      let target: Target | null = null;
      if (typescript.isQualifiedName(compilerNode)) target = raw.resolver.resolveEntityName(scope, compilerNode);
      else if (typescript.isExpression(compilerNode)) target = raw.resolver.resolveExpression(scope, compilerNode);
      return target?.kind === 'shim-name' ? target.name : null;
    },
    legacyClassOf(node: ClassDeclaration | ClassExpression): LegacyClass | null {
      const located = compilerNodeOf(node);
      if (!located || !(typescript.isClassDeclaration(located.compilerNode) || typescript.isClassExpression(located.compilerNode))) return null;
      const record = raw.resolver.legacyClass(located.path, located.compilerNode);
      return record ? wrapClass(record) : null;
    },
  };
}

function lazyFileAnalysis(rawFile: RawFileAnalysis, morphFile: (path: string) => SourceFile, wrapClass: (record: LegacyClassRecord) => LegacyClass): FileAnalysis {
  interface Materialised {
    sourceFile: SourceFile;
    imports: LegacyImport[];
    classes: LegacyClass[];
    uses: LegacyUse[];
  }
  let materialised: Materialised | undefined;
  const materialise = (): Materialised => {
    if (!materialised) {
      const sourceFile = morphFile(rawFile.path);
      const compilerFile = rawFile.sourceFile;
      materialised = {
        sourceFile,
        imports: rawFile.imports.map(({ statement, kind, specifier, viaLocalModule, bindings }) => ({
          node: toMorphNode(sourceFile, statement, compilerFile),
          kind,
          specifier,
          viaLocalModule,
          bindings,
        })),
        classes: rawFile.classes.map(wrapClass),
        uses: rawFile.uses.map((use) => ({ node: toMorphNode(sourceFile, use.node, compilerFile), name: use.name })),
      };
    }
    return materialised;
  };
  return {
    path: rawFile.path,
    parseErrors: rawFile.parseErrors,
    markers: rawFile.markers,
    reexportsOnly: rawFile.reexportsOnly,
    get sourceFile(): SourceFile {
      return materialise().sourceFile;
    },
    get imports(): LegacyImport[] {
      return materialise().imports;
    },
    get classes(): LegacyClass[] {
      return materialise().classes;
    },
    get uses(): LegacyUse[] {
      return materialise().uses;
    },
  };
}
