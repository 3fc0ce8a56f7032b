import { scanLocalSpecifiers } from '../shared/import-scanner';
import type { ModuleResolver } from '../shared/module-resolver';
import { SHIM_PACKAGE_TEXT } from '../shared/shim-modules';
import { isUnreadable, readSourceText, type UnreadableSource } from './source-text';

/** The text a manual marker left by `rewrite` starts with. */
export const MARKER_TEXT = 'TODO(asynchat-migrate)';

export interface PrefilterResult {
  /** Files to parse, listed or not: their text names the shim, or they import (transitively) a file that does. */
  reachingShim: Set<string>;
  /** Listed files to analyse: those reaching the shim, and those holding a manual marker. In input order. */
  candidates: string[];
  /** The text of every file read, by absolute path (files that could not be read are absent). */
  texts: Map<string, string>;
  /** How many files were read (listed files, and local modules they import). */
  filesRead: number;
  /** Listed files that could not be read from disk, with the reason (reported per path; the others go on). */
  unreadable: UnreadableSource[];
}

export interface PrefilterOptions {
  resolver: ModuleResolver;
  /** True when non-relative specifiers may name local files (tsconfig `paths`): they are resolved too. */
  aliasesPossible?: boolean;
  /**
   * Reads a file; defaults to the disk (decoded by readSourceText: no BOM, `\n` line ends).
   * Returns null when the file cannot be read.
   */
  readText?: (path: string) => string | null;
}

/**
 * The text prefilter: which files can reach the shim, without parsing any. A file reaches the shim
 * when its text contains '@asynchat/shim', or when it imports a local module that reaches it. Import
 * edges come from a regular-expression scan ({@link scanLocalSpecifiers}), so the set is a superset
 * of the files that really use the shim; the parser sorts them out. Every other file is never parsed.
 *
 * @example
 * ```ts
 * const { candidates } = prefilterFiles(['/repo/a.ts', '/repo/b.ts'], { resolver: new ModuleResolver() });
 * ```
 */
export function prefilterFiles(files: readonly string[], options: PrefilterOptions): PrefilterResult {
  const listed = new Set(files);
  const unreadable: UnreadableSource[] = [];
  const readText =
    options.readText ??
    ((path: string): string | null => {
      const read = readSourceText(path);
      if (!isUnreadable(read)) return read.text;
      if (listed.has(path)) unreadable.push(read);
      return null;
    });
  const texts = new Map<string, string>();
  const importers = new Map<string, string[]>();
  const seeds: string[] = [];
  const markerFiles = new Set<string>();
  const queue: string[] = [...files];
  const seen = new Set<string>(files);
  for (let position = 0; position < queue.length; position += 1) {
    const file = queue[position] as string;
    const text = readText(file);
    if (text === null) continue;
    texts.set(file, text);
    if (text.includes(SHIM_PACKAGE_TEXT)) seeds.push(file);
    if (listed.has(file) && text.includes(MARKER_TEXT)) markerFiles.add(file);
    // Cheap test before the regular expression: a file without a relative import or require names no local module.
    if (!options.aliasesPossible && !text.includes("'.") && !text.includes('".')) continue;
    for (const specifier of scanLocalSpecifiers(text, options.aliasesPossible === true)) {
      const target = options.resolver.resolve(specifier, file);
      if (target === null || target === file) continue;
      let list = importers.get(target);
      if (!list) importers.set(target, (list = []));
      list.push(file);
      if (!seen.has(target)) {
        seen.add(target);
        queue.push(target);
      }
    }
  }
  const reachingShim = new Set<string>(seeds);
  const frontier = [...seeds];
  while (frontier.length > 0) {
    const file = frontier.pop() as string;
    for (const importer of importers.get(file) ?? []) {
      if (!reachingShim.has(importer)) {
        reachingShim.add(importer);
        frontier.push(importer);
      }
    }
  }
  const candidates = files.filter((file) => reachingShim.has(file) || markerFiles.has(file));
  return { reachingShim, candidates, texts, filesRead: queue.length, unreadable };
}
