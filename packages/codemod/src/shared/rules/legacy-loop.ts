import type { RuleDefinition } from './rule';

/** `legacy-loop` (a rewrite marker). */
export const legacyLoop = {
  id: 'legacy-loop',
  kind: 'marker',
  summary: "`loop()` where no translated server start precedes it in the same block (or with arguments), and no class left for a person is served by it.",
  help: "Await the server (`serveForever()` / `waitClosed()`) or the connection instead.",
} as const satisfies RuleDefinition;
