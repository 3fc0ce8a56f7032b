import type { RuleDefinition } from './rule';

/** `subclass-chain` (a rewrite marker). */
export const subclassChain = {
  id: 'subclass-chain',
  kind: 'marker',
  summary: "The class leaves methods to subclasses the run does not include (an `abstract` class, a call of `this.x()` nothing defines): the chain has to migrate together.",
  help: "Run the rewrite over the whole project (every file of the chain), or port the chain by hand.",
} as const satisfies RuleDefinition;
