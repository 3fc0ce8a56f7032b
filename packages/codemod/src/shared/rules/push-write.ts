import type { RuleDefinition } from './rule';

/** `push-write` (a rewrite translation). */
export const pushWrite = {
  id: 'push-write',
  kind: 'translation',
  summary: "`push(x)` becomes `writer.write(x)`, with one `await writer.drain()` per loop turn.",
  help: "Nothing to do: the bytes and their order are the same.",
} as const satisfies RuleDefinition;
