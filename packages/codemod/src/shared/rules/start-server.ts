import type { RuleDefinition } from './rule';

/** `start-server` (a rewrite translation). */
export const startServer = {
  id: 'start-server',
  kind: 'translation',
  summary: "A textbook dispatcher server becomes `startXxx(...)`, returning `Promise<Server>` over `startServer`.",
  help: "Await the start where the server was built; `loop()` becomes `serveForever()`.",
} as const satisfies RuleDefinition;
