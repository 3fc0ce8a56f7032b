/**
 * The module specifiers a file's text names, found without parsing: `from '...'`, `import '...'`,
 * `import('...')`, `require('...')`, `import x = require('...')`. A specifier in a comment or a
 * string may be found too; that only makes the prefilter keep a file it could have dropped, never
 * drop one it needs.
 *
 * @example
 * ```ts
 * scanModuleSpecifiers("import { Handler } from './handler';"); // ['./handler']
 * ```
 */
export function scanModuleSpecifiers(text: string): string[] {
  const specifiers: string[] = [];
  const pattern = /\b(?:from|import|require)\s*\(?\s*(['"])([^'"\n\r]+)\1/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) specifiers.push(match[2] as string);
  return specifiers;
}

/** Same as scanModuleSpecifiers, keeping only those that can name a local file (relative, absolute, or an alias). */
export function scanLocalSpecifiers(text: string, aliasesPossible: boolean): string[] {
  return scanModuleSpecifiers(text).filter(
    (specifier) => specifier.startsWith('.') || specifier.startsWith('/') || (aliasesPossible && !specifier.startsWith('node:')),
  );
}
