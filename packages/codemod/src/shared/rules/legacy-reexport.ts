import type { RuleDefinition } from './rule';

/** `legacy-reexport` (a rewrite marker). */
export const legacyReexport = {
  id: 'legacy-reexport',
  kind: 'marker',
  summary: "A local module only re-exports shim names, and nothing imports it once the rewrite is done.",
  help: "Delete the module.",
} as const satisfies RuleDefinition;
