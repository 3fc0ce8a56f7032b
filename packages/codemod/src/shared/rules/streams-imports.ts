import type { RuleDefinition } from './rule';

/** `streams-imports` (a rewrite translation). */
export const imports = {
  id: 'streams-imports',
  kind: 'translation',
  summary: "Shim imports nothing uses any more go; the `@asynchat/streams` names the migrated code needs come in.",
  help: "Nothing to do.",
} as const satisfies RuleDefinition;
