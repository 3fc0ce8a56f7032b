import type { Project, ts } from 'ts-morph';
import { isLegacyBase } from '../shared/shim-modules';
import { typescript } from './typescript';
import type { LegacyBase } from './types';

/** A property access the type checker resolved to a member of a shim class. */
export interface TypedShimMember {
  /** The shim class that declares the member. */
  base: LegacyBase;
  /** The receiver's class: a project class (name and absolute path), or null when it is typed as the shim class itself. */
  receiverClass: { name: string; file: string } | null;
}

/** The type checker's answers, for what the module graph cannot follow. */
export interface TypeFallback {
  /** The shim class a class with a computed base descends from, or null. */
  legacyBaseOf(file: string, node: ts.ClassLikeDeclaration): LegacyBase | null;
  /** When `access.name` is a member declared by a shim class (async_chat, dispatcher, ...): which, and the receiver's class. */
  shimMemberOf(file: string, access: ts.PropertyAccessExpression): TypedShimMember | null;
}

/**
 * The type checker's answer for classes whose base the module graph cannot follow
 * (`extends Timestamped(async_chat)`, `extends pickBase()`): walks the base types of the class's
 * instance type and reports the first shim class found; and for property accesses whose receiver
 * the module graph cannot type (`registry.get(id).push(data)`): the member's declaration. A shim
 * class is a class named async_chat, dispatcher or dispatcher_with_send declared in a declaration
 * file or in the shim package.
 *
 * The program is built on the first question, from the tsconfig's options and the files asked
 * about (their imports are loaded by TypeScript): seconds on a big project, which is why the
 * module graph answers everything it can first, and only what it cannot comes here. Both
 * questions share the one program.
 */
export function createTypeFallback(compilerOptions: ts.CompilerOptions): TypeFallback {
  // A ts-morph Project on the real file system: it supplies the lib files (lib.es2022.d.ts, ...),
  // which the TypeScript bundled with ts-morph does not have on disk.
  let project: Project | undefined;
  const programWith = (file: string): { checker: ts.TypeChecker; sourceFile: ts.SourceFile } | null => {
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
    return sourceFile ? { checker: program.getTypeChecker(), sourceFile } : null;
  };
  return typeFallbackOn(programWith, typescript.TypeFlags.Object);
}

/**
 * The same answers from a program someone else built (typescript-eslint's, in
 * @asynchat/eslint-plugin with `parserOptions.projectService`): no second program. The program may
 * come from another TypeScript version than the one bundled with ts-morph: syntax kinds agree
 * between them, type flags do not, so the caller passes its version's `TypeFlags.Object`. Files the
 * program does not hold are asked of `otherwise` (the tsconfig's own fallback, when there is one).
 */
export function createProgramTypeFallback(program: ts.Program, objectTypeFlag: number, otherwise?: TypeFallback): TypeFallback {
  const own = typeFallbackOn((file) => {
    const sourceFile = program.getSourceFile(file);
    return sourceFile ? { checker: program.getTypeChecker(), sourceFile } : null;
  }, objectTypeFlag);
  const holds = (file: string): boolean => program.getSourceFile(file) !== undefined;
  return {
    legacyBaseOf: (file, node) => (holds(file) ? own.legacyBaseOf(file, node) : (otherwise?.legacyBaseOf(file, node) ?? null)),
    shimMemberOf: (file, access) => (holds(file) ? own.shimMemberOf(file, access) : (otherwise?.shimMemberOf(file, access) ?? null)),
  };
}

function typeFallbackOn(programWith: (file: string) => { checker: ts.TypeChecker; sourceFile: ts.SourceFile } | null, objectTypeFlag: number): TypeFallback {
  return {
    legacyBaseOf(file, node) {
      const session = programWith(file);
      if (!session) return null;
      const { checker, sourceFile } = session;
      const classNode = findSameNode(sourceFile, node);
      if (!classNode) return null;
      // The class node's type is its constructor (typeof C): the instance type is what has base types.
      const constructorType = checker.getTypeAtLocation(classNode);
      const [construct] = checker.getSignaturesOfType(constructorType, typescript.SignatureKind.Construct);
      return findShimBase(checker, construct ? construct.getReturnType() : constructorType, objectTypeFlag);
    },
    shimMemberOf(file, access) {
      const session = programWith(file);
      if (!session) return null;
      const { checker, sourceFile } = session;
      const found = findSameNode(sourceFile, access);
      if (!found || !typescript.isPropertyAccessExpression(found)) return null;
      const member = checker.getSymbolAtLocation(found.name);
      const base = (member?.getDeclarations() ?? []).map(shimClassDeclaring).find((name) => name !== null);
      if (!base) return null;
      return { base, receiverClass: receiverClassOf(checker, checker.getTypeAtLocation(found.expression), objectTypeFlag) };
    },
  };
}

/** The shim class that declares a member declaration, or null when a project class (or anything else) does. */
function shimClassDeclaring(declaration: ts.Declaration): LegacyBase | null {
  const owner = declaration.parent;
  if (!owner || !typescript.isClassLike(owner) || !owner.name) return null;
  const name = owner.name.text;
  return isLegacyBase(name) && isShimDeclaration(owner) ? name : null;
}

/** The project class of a receiver's type (the first union member that is one), or null for the shim class itself. */
function receiverClassOf(checker: ts.TypeChecker, type: ts.Type, objectTypeFlag: number): { name: string; file: string } | null {
  const candidates = type.isUnion() ? type.types : [type];
  for (const candidate of candidates) {
    for (const declaration of candidate.getSymbol()?.getDeclarations() ?? []) {
      if (typescript.isClassLike(declaration) && !isShimDeclaration(declaration) && findShimBase(checker, candidate, objectTypeFlag)) {
        return { name: candidate.getSymbol()?.getName() ?? '(anonymous class)', file: declaration.getSourceFile().fileName };
      }
    }
  }
  return null;
}

function isShimDeclaration(declaration: ts.Declaration): boolean {
  const fileName = declaration.getSourceFile().fileName;
  return declaration.getSourceFile().isDeclarationFile || /[\\/](@asynchat[\\/]shim|packages[\\/]shim)[\\/]/.test(fileName);
}

function findShimBase(checker: ts.TypeChecker, start: ts.Type, objectTypeFlag: number): LegacyBase | null {
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
    else if (type.flags & objectTypeFlag) {
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
