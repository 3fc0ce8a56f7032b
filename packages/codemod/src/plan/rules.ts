/**
 * Rule ids of the rewrite: the same ids appear in decisions, in markers, in `--json` and in
 * docs/rules.md ("## rewrite markers" for the marker ids).
 */

import { MARKERS, TRANSLATIONS } from '../shared/rules';

/** `{ key: rule id }` of a table of rule definitions (the id literal types kept). */
type IdsOf<T extends Record<string, { id: string }>> = { readonly [K in keyof T]: T[K]['id'] };

function idsOf<T extends Record<string, { id: string }>>(rules: T): IdsOf<T> {
  return Object.fromEntries(Object.entries(rules).map(([key, rule]) => [key, rule.id])) as IdsOf<T>;
}

/** Translations: what the rewrite does by itself (definitions in src/shared/rules, one file each). */
export const TRANSLATION_RULES = idsOf(TRANSLATIONS);

/** Markers: what the rewrite leaves for a person, with `// TODO(asynchat-migrate): <rule>: <reason>`. */
export const MARKER_RULES = idsOf(MARKERS);

export type TranslationRule = (typeof TRANSLATION_RULES)[keyof typeof TRANSLATION_RULES];
export type MarkerRule = (typeof MARKER_RULES)[keyof typeof MARKER_RULES];

export { MARKER_PREFIX } from '../shared/rules/marker-comment';
import { markerComment as anyMarkerComment } from '../shared/rules/marker-comment';

/** The marker comment line for a rule, without indentation or newline. */
export function markerComment(rule: MarkerRule, reason: string): string {
  return anyMarkerComment(rule, reason);
}
