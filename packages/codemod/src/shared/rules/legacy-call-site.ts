import type { RuleDefinition } from './rule';

/** `legacy-call-site` (a rewrite marker). */
export const legacyCallSite = {
  id: 'legacy-call-site',
  kind: 'marker',
  summary: "A translated class is used where the rewrite cannot follow (built outside a server's `handle_accepted`, its channel API called from code that is not translated, a start that cannot be awaited).",
  help: "Migrate both together, or call the migrated form (`new X(writer, ...).run(reader)`, `await server.start()`) by hand.",
} as const satisfies RuleDefinition;
