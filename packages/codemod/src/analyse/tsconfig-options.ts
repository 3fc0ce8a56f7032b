import { dirname } from 'node:path';
import type { ts } from 'ts-morph';
import { typescript } from './typescript';

/** A tsconfig that cannot be read or parsed: carries the path and TypeScript's own message. */
export class TsconfigError extends Error {
  override readonly name = 'TsconfigError';
  constructor(
    readonly path: string,
    detail: string,
  ) {
    super(`cannot use tsconfig ${path}: ${detail}`);
  }
}

/**
 * Reads a tsconfig (following `extends`) into compiler options.
 *
 * @example
 * ```ts
 * const options = readTsconfigOptions('/repo/tsconfig.json');
 * ```
 */
export function readTsconfigOptions(path: string): ts.CompilerOptions {
  const read = typescript.readConfigFile(path, (file) => typescript.sys.readFile(file));
  if (read.error) throw new TsconfigError(path, typescript.flattenDiagnosticMessageText(read.error.messageText, '\n'));
  // Only the options matter: a host that lists no directories keeps TypeScript from walking `include` (seconds on big trees).
  const host: ts.ParseConfigHost = {
    useCaseSensitiveFileNames: typescript.sys.useCaseSensitiveFileNames,
    readDirectory: () => [],
    fileExists: (file) => typescript.sys.fileExists(file),
    readFile: (file) => typescript.sys.readFile(file),
  };
  const parsed = typescript.parseJsonConfigFileContent(read.config, host, dirname(path), undefined, path);
  const fatal = parsed.errors.filter((error) => error.code !== 18003 /* no inputs found: harmless here */);
  if (fatal.length > 0) throw new TsconfigError(path, fatal.map((error) => typescript.flattenDiagnosticMessageText(error.messageText, '\n')).join('; '));
  return parsed.options;
}

/** A resolver for non-relative specifiers through `paths` / `baseUrl`, or undefined when the options have none. */
export function aliasResolverFor(options: ts.CompilerOptions): ((specifier: string, containingFile: string) => string | null) | undefined {
  if (!options.paths && !options.baseUrl) return undefined;
  const host: ts.ModuleResolutionHost = typescript.sys;
  return (specifier, containingFile) => {
    const resolved = typescript.resolveModuleName(specifier, containingFile, options, host).resolvedModule;
    if (!resolved || resolved.isExternalLibraryImport || /\.d\.[cm]?ts$/.test(resolved.resolvedFileName)) return null;
    return resolved.resolvedFileName;
  };
}
