/**
 * The marker comment `rewrite` leaves for a person and `check` finds:
 * `// TODO(asynchat-migrate): <rule-id>: <reason>`. Both sides read this one definition.
 */

/** The fixed text every marker starts with. */
export const MARKER_PREFIX = 'TODO(asynchat-migrate):';

/** The marker comment line for a rule, without indentation or newline. */
export function markerComment(rule: string, reason: string): string {
  return `// ${MARKER_PREFIX} ${rule}: ${reason}`;
}
