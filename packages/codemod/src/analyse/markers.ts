import { MARKER_PREFIX } from '../shared/rules/marker-comment';
import type { ManualMarker } from './types';

const escapedPrefix = MARKER_PREFIX.replace(/[()]/g, '\\$&');
const MARKER_PATTERN = new RegExp(`(?:\\/\\/|\\/\\*+|^\\s*\\*)\\s*${escapedPrefix}\\s*([A-Za-z0-9_-]+)\\s*:?\\s*(.*?)\\s*(?:\\*\\/)?\\s*$`);

/**
 * The `// TODO(asynchat-migrate): <rule-id>: <reason>` markers in a file's text (line and column
 * 1-based, column at the comment start). Block-comment forms are accepted too.
 *
 * @example
 * ```ts
 * findManualMarkers('  // TODO(asynchat-migrate): legacy-reexport: delete once unused\n');
 * // [{ line: 1, column: 3, rule: 'legacy-reexport', reason: 'delete once unused' }]
 * ```
 */
export function findManualMarkers(text: string): ManualMarker[] {
  const markers: ManualMarker[] = [];
  if (!text.includes(MARKER_PREFIX)) return markers;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (!line.includes(MARKER_PREFIX)) return;
    const match = MARKER_PATTERN.exec(line);
    if (!match) return;
    markers.push({ line: index + 1, column: match.index + 1 + (line.slice(match.index).length - line.slice(match.index).trimStart().length), rule: match[1] as string, reason: match[2] ?? '' });
  });
  return markers;
}
