import type { RuleDefinition } from './rule';

/** `channel-class` (a rewrite translation). */
export const channelClass = {
  id: 'channel-class',
  kind: 'translation',
  summary: "Any other async_chat chain keeps its classes: the writer replaces the socket, `run(reader)` is asynchat's read loop, inherited calls become writer calls.",
  help: "Review the diff; methods the class defines stay as they were. See docs/rules.md, 'class-preserving translations'.",
} as const satisfies RuleDefinition;
