/**
 * Text edits on the original source: the rewrite never reprints a file, it replaces ranges, so every
 * byte outside an edited range stays as it was.
 */
export interface TextEdit {
  /** Offset of the first replaced character. */
  start: number;
  /** Offset after the last replaced character (start === end inserts). */
  end: number;
  text: string;
}

/** Thrown when two edits of one pass overlap: a bug in a translation, never silently resolved. */
export class OverlappingEditsError extends Error {
  constructor(
    readonly first: TextEdit,
    readonly second: TextEdit,
  ) {
    super(`overlapping edits [${first.start}, ${first.end}) and [${second.start}, ${second.end})`);
    this.name = 'OverlappingEditsError';
  }
}

/**
 * Applies non-overlapping edits to `text[start, end)` and returns the edited slice.
 *
 * @example applyEdits('a b c', [{ start: 2, end: 3, text: 'B' }]) // 'a B c'
 */
export function applyEdits(text: string, edits: readonly TextEdit[], start = 0, end = text.length): string {
  const sorted = edits
    .filter((edit) => edit.start >= start && edit.end <= end)
    .sort((left, right) => left.start - right.start || left.end - right.end);
  let result = '';
  let position = start;
  let previous: TextEdit | undefined;
  for (const edit of sorted) {
    if (previous !== undefined && edit.start < previous.end) throw new OverlappingEditsError(previous, edit);
    result += text.slice(position, edit.start) + edit.text;
    position = edit.end;
    previous = edit;
  }
  return result + text.slice(position, end);
}

/** Offset of the start of the line holding `offset`. */
export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** The whitespace that starts the line holding `offset`. */
export function indentationAt(text: string, offset: number): string {
  const start = lineStart(text, offset);
  const match = /^[ \t]*/.exec(text.slice(start));
  return match === null ? '' : match[0];
}

/**
 * The range to delete for a construct that sits on lines of its own: from its line start (when only
 * whitespace precedes it there) through the end of its last line, newline included. A construct that
 * shares a line with other code is deleted alone.
 */
export function wholeLineRange(text: string, start: number, end: number): { start: number; end: number } {
  const begin = lineStart(text, start);
  const ownLine = /^[ \t]*$/.test(text.slice(begin, start));
  const newline = text.indexOf('\n', end);
  const rest = newline === -1 ? text.slice(end) : text.slice(end, newline);
  if (ownLine && /^[ \t]*$/.test(rest)) return { start: begin, end: newline === -1 ? text.length : newline + 1 };
  return { start, end };
}

/**
 * Moves a block of lines from one indentation to another: `from` is removed from the start of every
 * line that has it and `to` put in its place. Empty lines stay empty.
 */
export function reindent(block: string, from: string, to: string): string {
  if (from === to) return block;
  return block
    .split('\n')
    .map((line) => {
      if (line.trim() === '') return line.trim();
      if (line.startsWith(from)) return to + line.slice(from.length);
      return line;
    })
    .join('\n');
}

/** Joins overlapping deletions (two removed members next to each other share a blank line). */
export function mergeDeletions(edits: readonly TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((left, right) => left.start - right.start || left.end - right.end);
  const merged: TextEdit[] = [];
  for (const edit of sorted) {
    const previous = merged[merged.length - 1];
    if (previous !== undefined && previous.text === '' && edit.text === '' && edit.start < previous.end) {
      merged[merged.length - 1] = { start: previous.start, end: Math.max(previous.end, edit.end), text: '' };
    } else {
      merged.push(edit);
    }
  }
  return merged;
}
/** The indentation step of a file: the smallest leading indentation of any line (two spaces when none). */
export function detectIndentUnit(text: string): string {
  let smallest: string | null = null;
  // Comment continuation lines (` * text`) are not indentation steps.
  for (const match of text.matchAll(/^([ \t]+)[^\s*]/gm)) {
    const indentation = match[1]!;
    if (indentation.startsWith('\t')) return '\t';
    if (smallest === null || indentation.length < smallest.length) smallest = indentation;
  }
  return smallest === null || smallest.length > 8 ? '  ' : smallest;
}

