/**
 * The TypeScript compiler API, taken from the copy bundled with ts-morph (never the workspace's
 * own `typescript`, so that the analysis and ts-morph always agree on node kinds).
 *
 * Loaded on its own, without ts-morph's wrappers: `check` only needs the parser, and ts-morph's
 * module is loaded later, when someone asks for a ts-morph node (the same TypeScript instance is
 * reused, through Node's module cache). Types come from `import type { ts } from 'ts-morph'`.
 */
import { dirname, join } from 'node:path';
import type { ts } from 'ts-morph';

function loadBundledTypeScript(): typeof ts {
  try {
    const morphEntry = require.resolve('ts-morph');
    const commonEntry = require.resolve('@ts-morph/common', { paths: [dirname(morphEntry)] });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(join(dirname(commonEntry), 'typescript.js')) as typeof ts;
  } catch {
    // A different layout of ts-morph's package: take its public export (loads all of ts-morph).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return (require('ts-morph') as typeof import('ts-morph')).ts;
  }
}

export const typescript: typeof ts = loadBundledTypeScript();
