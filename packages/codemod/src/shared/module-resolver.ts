import { existsSync, statSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { isShimSpecifier } from './shim-modules';
import { isSourceFile } from './source-extensions';

/**
 * Resolves a module specifier written in a file to the local source file it names, with the rules
 * TypeScript uses under Node16 / bundler resolution: `./a.js` may name `./a.ts`, `./a` may name
 * `./a.ts` or `./a/index.ts`. Bare package names resolve to null (the shim is recognised by name,
 * not by path); with a tsconfig, `paths` / `baseUrl` aliases are resolved through `aliasResolver`.
 *
 * @example
 * ```ts
 * const resolver = new ModuleResolver();
 * resolver.resolve('./handler.js', '/repo/src/server.ts'); // '/repo/src/handler.ts'
 * ```
 */
export class ModuleResolver {
  private readonly fileExistsCache = new Map<string, boolean>();
  private readonly resolutionCache = new Map<string, string | null>();

  constructor(
    /** Resolves non-relative specifiers (tsconfig `paths`); null when the specifier is a package. */
    private readonly aliasResolver?: (specifier: string, containingFile: string) => string | null,
    knownFiles?: Iterable<string>,
    /** Whether a file exists; defaults to the disk (tests and in-memory callers pass their own). */
    private readonly fileExists: (path: string) => boolean = fileExistsOnDisk,
  ) {
    if (knownFiles) for (const file of knownFiles) this.fileExistsCache.set(file, true);
  }

  resolve(specifier: string, containingFile: string): string | null {
    // The shim is recognised by its name; a tsconfig `paths` entry pointing it at sources must not turn it into a local module.
    if (isShimSpecifier(specifier)) return null;
    const relative = specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..';
    if (!relative && !isAbsolute(specifier)) {
      if (!this.aliasResolver || specifier.startsWith('node:')) return null;
      return this.aliasResolver(specifier, containingFile);
    }
    const key = `${dirname(containingFile)}\0${specifier}`;
    const cached = this.resolutionCache.get(key);
    if (cached !== undefined) return cached;
    const result = this.resolvePath(resolve(dirname(containingFile), specifier));
    this.resolutionCache.set(key, result);
    return result;
  }

  /** Resolves an absolute path without extension rules applied yet. */
  resolvePath(base: string): string | null {
    const javascriptExtension = /\.(m|c)?jsx?$/.exec(base);
    if (javascriptExtension) {
      const stem = base.slice(0, -javascriptExtension[0].length);
      const flavour = javascriptExtension[1] ?? '';
      const typescriptCandidates = javascriptExtension[0].endsWith('x') ? [`${stem}.tsx`] : [`${stem}.${flavour}ts`, `${stem}.tsx`];
      for (const candidate of [...typescriptCandidates, base]) if (this.isFile(candidate)) return candidate;
      return null;
    }
    if (isSourceFile(base) && this.isFile(base)) return base;
    for (const extension of ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs']) {
      if (this.isFile(base + extension)) return base + extension;
    }
    for (const extension of ['.ts', '.tsx', '.js', '.jsx', '.mts', '.mjs', '.cts', '.cjs']) {
      const index = `${base}/index${extension}`;
      if (this.isFile(index)) return index;
    }
    return null;
  }

  private isFile(path: string): boolean {
    const cached = this.fileExistsCache.get(path);
    if (cached !== undefined) return cached;
    const exists = this.fileExists(path);
    this.fileExistsCache.set(path, exists);
    return exists;
  }
}

function fileExistsOnDisk(path: string): boolean {
  try {
    return existsSync(path) && statSync(path).isFile();
  } catch {
    return false;
  }
}
