/**
 * Marker comments for work left to a person: one `// TODO(asynchat-migrate): <rule>: <reason>` line
 * above the statement or class, never added twice.
 */
import type { Node } from 'ts-morph';
import { MARKER_PREFIX, markerComment, type MarkerRule } from '../plan/rules';
import { indentationAt, lineStart, type TextEdit } from '../shared/text-edit';

/** Line of the `offset` (1-based) and column (1-based). */
export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) line += 1;
  return { line, column: offset - lineStart(text, offset) + 1 };
}

/** The comment lines directly above `offset`'s line (the block a marker would sit in). */
function commentLinesAbove(text: string, offset: number): string[] {
  const lines: string[] = [];
  let end = lineStart(text, offset) - 1;
  while (end > 0) {
    const start = lineStart(text, end);
    const line = text.slice(start, end).trim();
    if (!(line.startsWith('//') || line.startsWith('/*') || line.startsWith('*'))) break;
    lines.push(line);
    end = start - 1;
  }
  return lines;
}

export interface PlacedMarker {
  edit: TextEdit | null;
  /** Where the marker comment is (or will be) in the original text's coordinates. */
  offset: number;
}

/**
 * The edit that puts a marker above `anchor` (JSDoc included), or null when the same rule's marker is
 * already there: a second run adds nothing.
 */
export function placeMarker(text: string, anchor: Node, rule: MarkerRule, reason: string): PlacedMarker {
  const start = anchor.getStart(true);
  const lineOffset = lineStart(text, start);
  const existing = commentLinesAbove(text, start).some((line) => line.includes(`${MARKER_PREFIX} ${rule}:`));
  if (existing) return { edit: null, offset: lineOffset };
  const indentation = indentationAt(text, start);
  return { edit: { start: lineOffset, end: lineOffset, text: `${indentation}${markerComment(rule, reason)}\n` }, offset: lineOffset };
}
