import type { RuleDefinition } from './rule';

/** `dynamic-terminator` (a rewrite marker). */
export const dynamicTerminator = {
  id: 'dynamic-terminator',
  kind: 'marker',
  summary: "A textbook-form terminator question the rewrite could not answer (kept for markers left by earlier versions; the class-preserving translation reads any terminator now).",
  help: "Rerun the rewrite: the class-preserving translation takes these classes.",
} as const satisfies RuleDefinition;
