import type { RuleDefinition } from './rule';

/** `frames-loop` (a rewrite translation). */
export const framesLoop = {
  id: 'frames-loop',
  kind: 'translation',
  summary: "A handler with one constant terminator becomes a `for await (const message of reader.frames(T, { partial: 'drop' }))` loop.",
  help: "Review the loop; the frame replaces the collect buffer.",
} as const satisfies RuleDefinition;
