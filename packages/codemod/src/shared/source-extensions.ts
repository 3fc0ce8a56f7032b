/** The source files the codemod reads. Declaration files (.d.ts) are never rewritten or checked. */
export const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'] as const;

export function isSourceFile(path: string): boolean {
  if (/\.d\.[cm]?ts$/.test(path)) return false;
  return SOURCE_EXTENSIONS.some((extension) => path.endsWith(extension));
}
