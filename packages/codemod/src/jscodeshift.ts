/**
 * `@asynchat/codemod/jscodeshift`: the rewrite as a jscodeshift transform, for pipelines that
 * already run jscodeshift.
 *
 *     npx jscodeshift -t node_modules/@asynchat/codemod/dist/jscodeshift.js --parser=tsx src/
 *
 * It sees one file at a time (an in-memory project holding only that file): handlers that extend
 * the shim in the same file are rewritten exactly as `asynchat-migrate rewrite` does; what needs
 * the project (classes extending handlers from other files, local modules re-exporting the shim,
 * tsconfig `paths`) is not seen. See the package README, "jscodeshift".
 */
import { resolve } from 'node:path';
import type { FileRewrite } from './rewrite/engine';
import { rewriteSourceSynchronously } from './rewrite/source-thread-client';

/** The part of jscodeshift's `FileInfo` the transform reads. */
export interface TransformFile {
  path: string;
  source: string;
}

/** The part of jscodeshift's `API` the transform uses: `report` (absent under jscodeshift's testUtils). */
export interface TransformApi {
  report?: (message: string) => void;
}

/**
 * jscodeshift's parser option is irrelevant (the rewrite parses with TypeScript, by file
 * extension); `tsx` is declared so that jscodeshift never tries Babel's default on TypeScript.
 */
export const parser = 'tsx';

/**
 * Rewrites one file. Returns the new text when the file changes (a marker comment added for
 * manual work counts), `undefined` when there is nothing to rewrite (jscodeshift: "skipped"), and
 * throws when the file does not parse or the rewrite fails (jscodeshift: "error", with the message;
 * run jscodeshift with `--fail-on-error` for a non-zero exit code).
 *
 * @example
 * ```ts
 * import transform from '@asynchat/codemod/jscodeshift';
 * const output = transform({ path: 'src/echo.ts', source }, { report: console.log }, {});
 * ```
 */
export default function transform(file: TransformFile, api: TransformApi = {}, _options: Record<string, unknown> = {}): string | undefined {
  const rewrite = rewriteOneFile(file.source, resolve(file.path));
  if (rewrite.status === 'error') throw new Error(`${file.path}: ${rewrite.message}`);
  if (rewrite.status === 'manual' && rewrite.message) api.report?.(`${file.path}: manual work needed: ${rewrite.message}`);
  return rewrite.after === file.source ? undefined : rewrite.after;
}

/**
 * Built (a .js file, as jscodeshift loads it): the engine runs on its own thread, out of reach of
 * jscodeshift's Babel require hook. From the TypeScript sources (this package's own tests), the
 * engine is called directly.
 */
function rewriteOneFile(source: string, fileName: string): FileRewrite {
  if (__filename.endsWith('.js')) return rewriteSourceSynchronously(source, fileName);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { rewriteSource } = require('./rewrite/engine') as typeof import('./rewrite/engine');
  return rewriteSource(source, fileName);
}
