import type { RuleDefinition } from './rule';

/** `close-writer` (a rewrite translation). */
export const closeWriter = {
  id: 'close-writer',
  kind: 'translation',
  summary: "`close_when_done()` / `close()` become `writer.close()` (what was written goes out first) and the read loop ends.",
  help: "Nothing to do; frames received after the close are not processed (asynchat processed them but dropped their replies).",
} as const satisfies RuleDefinition;
