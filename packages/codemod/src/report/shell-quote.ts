/** Quotes a path for a POSIX shell only when it needs quoting, so messages show copy-pasteable commands. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_./@%+=:,-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
