import type { RuleDefinition } from './rule';

/** `unknown-producer` (a rewrite marker). */
export const unknownProducer = {
  id: 'unknown-producer',
  kind: 'marker',
  summary: "`push_with_producer(p)` with a producer that is neither `new simple_producer(data)` nor bytes, or `simple_producer` used outside a handler.",
  help: "Write the producer's chunks: `for (let c = p.more(); c.length > 0; c = p.more()) writer.write(c)`.",
} as const satisfies RuleDefinition;
