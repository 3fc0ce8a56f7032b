import type { Project, ts } from 'ts-morph';
import { isLegacyBase } from './shim-modules';
import { typescript } from './typescript';
import type { LegacyBase } from './types';

/**
 * The type checker's answer for classes whose base the module graph cannot follow
 * (`extends Timestamped(async_chat)`, `extends pickBase()`): walks the base types of the class's
 * instance type and reports the first shim class found. A shim class is a class named async_chat,
 * dispatcher or dispatcher_with_send declared in a declaration file or in the shim package.
 *
 * The program is built on the first question, from the tsconfig's options and the files asked
 * about (their imports are loaded by TypeScript): seconds on a big project, which is why the
 * module graph answers everything it can first, and only computed bases come here.
 */
export function createTypeFallback(compilerOptions: ts.CompilerOptions): (file: string, node: ts.ClassLikeDeclaration) => LegacyBase | null {
  // A ts-morph Project on the real file system: it supplies the lib files (lib.es2022.d.ts, ...),
  // which the TypeScript bundled with ts-morph does not have on disk.
  let project: Project | undefined;
  return (file, node) => {
    if (!project) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { Project: ProjectClass } = require('ts-morph') as typeof import('ts-morph');
      project = new ProjectClass({ compilerOptions: { ...compilerOptions, noEmit: true, skipLibCheck: true, allowJs: true }, skipAddingFilesFromTsConfig: true });
    }
    if (!project.getSourceFile(file)) {
      project.addSourceFileAtPath(file);
      project.resolveSourceFileDependencies();
    }
    const program = project.getProgram().compilerObject;
    const sourceFile = program.getSourceFile(file);
    if (!sourceFile) return null;
    const checker = program.getTypeChecker();
    const classNode = findSameNode(sourceFile, node);
    if (!classNode) return null;
    // The class node's type is its constructor (typeof C): the instance type is what has base types.
    const constructorType = checker.getTypeAtLocation(classNode);
    const [construct] = checker.getSignaturesOfType(constructorType, typescript.SignatureKind.Construct);
    return findShimBase(checker, construct ? construct.getReturnType() : constructorType);
  };
}

function isShimDeclaration(declaration: ts.Declaration): boolean {
  const fileName = declaration.getSourceFile().fileName;
  return declaration.getSourceFile().isDeclarationFile || /[\\/](@asynchat[\\/]shim|packages[\\/]shim)[\\/]/.test(fileName);
}

function findShimBase(checker: ts.TypeChecker, start: ts.Type): LegacyBase | null {
  const seen = new Set<ts.Type>();
  const queue: ts.Type[] = [start];
  while (queue.length > 0) {
    const type = queue.shift() as ts.Type;
    if (seen.has(type)) continue;
    seen.add(type);
    if (type !== start) {
      const symbol = type.getSymbol();
      const name = symbol?.getName();
      if (symbol && name && isLegacyBase(name) && (symbol.getDeclarations() ?? []).some(isShimDeclaration)) return name;
    }
    if (type.isUnionOrIntersection()) queue.push(...type.types);
    if (type.isClassOrInterface()) queue.push(...(checker.getBaseTypes(type) ?? []));
    else if (type.flags & typescript.TypeFlags.Object) {
      const target = (type as ts.TypeReference).target;
      if (target && target !== type && target.isClassOrInterface()) queue.push(target);
    }
  }
  return null;
}

/** The node at the same span and kind in another parse of the same text. */
function findSameNode(sourceFile: ts.SourceFile, node: ts.Node): ts.Node | null {
  let found: ts.Node | null = null;
  const start = node.pos;
  const end = node.end;
  const visit = (candidate: ts.Node): boolean => {
    if (candidate.pos > start || candidate.end < end) return false;
    if (candidate.kind === node.kind && candidate.pos === start && candidate.end === end) {
      found = candidate;
      return true;
    }
    return typescript.forEachChild(candidate, visit) ?? false;
  };
  typescript.forEachChild(sourceFile, visit);
  return found;
}
