import type { RuleDefinition } from './rule';

/** `unrecognised-handler` (a rewrite marker). */
export const unrecognisedHandler = {
  id: 'unrecognised-handler',
  kind: 'marker',
  summary: "An async_chat subclass of a shape the rewrite does not know (`this` in a nested function, no `super(socket)` at the constructor's top level, a call it cannot translate, ...).",
  help: "Port it by hand; the reason names the construct.",
} as const satisfies RuleDefinition;
