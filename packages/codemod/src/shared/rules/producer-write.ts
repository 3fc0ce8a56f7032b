import type { RuleDefinition } from './rule';

/** `producer-write` (a rewrite translation). */
export const producerWrite = {
  id: 'producer-write',
  kind: 'translation',
  summary: "`push_with_producer(new simple_producer(x))` or of bytes becomes `writer.write(x)`.",
  help: "Nothing to do: the producer's chunks are written in order.",
} as const satisfies RuleDefinition;
