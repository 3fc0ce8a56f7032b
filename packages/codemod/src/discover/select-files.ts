import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModuleResolver } from '../shared/module-resolver';
import { discoverFiles, type DiscoverOptions, type Discovery } from './discover';
import { prefilterFiles, type PrefilterResult } from './prefilter';

export interface SelectionRequest {
  discover: DiscoverOptions;
  /** An explicit tsconfig (absolute); otherwise tsconfig.json in the cwd, then at the repository root. */
  tsconfig?: string;
}

export interface Selection {
  discovery: Discovery;
  tsconfig: string | undefined;
  /**
   * The text prefilter's result, or undefined when the tsconfig may define path aliases (they need
   * TypeScript's resolver, so the analysis runs the prefilter itself). Only the texts of files to
   * parse are kept.
   */
  prefilter: PrefilterResult | undefined;
}

/** A tsconfig whose text cannot introduce path aliases lets the prefilter run without TypeScript. */
function mayDefineAliases(tsconfig: string | undefined): boolean {
  if (tsconfig === undefined) return false;
  const text = readFileSync(tsconfig, 'utf8');
  return text.includes('"paths"') || text.includes('"baseUrl"') || text.includes('"extends"');
}

/**
 * Discovery, tsconfig lookup and the text prefilter: everything before parsing, with no TypeScript
 * loaded, so that it can run in a worker thread while the main thread loads the parser.
 *
 * @example
 * ```ts
 * const { discovery, prefilter } = selectFiles({ discover: { cwd: '/repo', paths: ['src'] } });
 * ```
 */
export function selectFiles(request: SelectionRequest): Selection {
  const discovery = discoverFiles(request.discover);
  let tsconfig = request.tsconfig;
  if (tsconfig === undefined) {
    for (const directory of [request.discover.cwd, discovery.root]) {
      const path = join(directory, 'tsconfig.json');
      if (existsSync(path)) {
        tsconfig = path;
        break;
      }
    }
  }
  let prefilter: PrefilterResult | undefined;
  if (discovery.files.length > 0 && !mayDefineAliases(tsconfig)) {
    prefilter = prefilterFiles(discovery.files, { resolver: new ModuleResolver(undefined, discovery.files) });
    const needed = new Set([...prefilter.reachingShim, ...prefilter.candidates]);
    for (const path of prefilter.texts.keys()) if (!needed.has(path)) prefilter.texts.delete(path);
  }
  return { discovery, tsconfig, prefilter };
}
