import { diffArrays } from 'diff';

/**
 * The engine works on `\n` text (source-text.ts); this gives its output back the file's own line
 * ends. Lines the rewrite kept keep the end they had, byte for byte (a file with mixed ends stays
 * mixed exactly where it was); lines it inserted get the file's most common end. Lines are matched
 * by a line diff of the `\n` texts, so moved and edited regions are told apart from kept ones.
 *
 * @example
 * ```ts
 * restoreLineEndings('a\r\nb\r\n', 'a\nnew\nb\n'); // 'a\r\nnew\r\nb\r\n'
 * ```
 */
export function restoreLineEndings(onDiskBefore: string, after: string): string {
  if (!onDiskBefore.includes('\r\n')) return after;
  const beforeParts = onDiskBefore.split('\n');
  // Every part but the last was followed by '\n'; a '\r' at its end belonged to the line end.
  const beforeLines = beforeParts.map((part, index) => (index < beforeParts.length - 1 && part.endsWith('\r') ? part.slice(0, -1) : part));
  const beforeEndings = beforeParts.map((part, index) => (index === beforeParts.length - 1 ? '' : part.endsWith('\r') ? '\r\n' : '\n'));
  const crlf = beforeEndings.filter((ending) => ending === '\r\n').length;
  const lf = beforeEndings.filter((ending) => ending === '\n').length;
  const dominant = crlf >= lf ? '\r\n' : '\n';

  const afterLines = after.split('\n');
  const endings: string[] = [];
  let beforeIndex = 0;
  for (const change of diffArrays(beforeLines, afterLines)) {
    if (change.removed) {
      beforeIndex += change.count ?? change.value.length;
      continue;
    }
    for (let index = 0; index < (change.count ?? change.value.length); index += 1) {
      if (change.added) {
        endings.push(dominant);
      } else {
        // A kept line that was the file's last (no end) and is no longer last gets the usual end.
        endings.push(beforeEndings[beforeIndex] || dominant);
        beforeIndex += 1;
      }
    }
  }
  return afterLines.map((line, index) => (index === afterLines.length - 1 ? line : line + (endings[index] ?? dominant))).join('');
}
