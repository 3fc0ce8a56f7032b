import type { RuleDefinition } from './rule';

/** `read-frame-loop` (a rewrite translation). */
export const readFrameLoop = {
  id: 'read-frame-loop',
  kind: 'translation',
  summary: "A textbook handler whose terminator changes inside found_terminator reads `reader.readFrame(terminator)` in a loop.",
  help: "Review the loop; `terminator` is a local variable now.",
} as const satisfies RuleDefinition;
