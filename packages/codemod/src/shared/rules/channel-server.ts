import type { RuleDefinition } from './rule';

/** `channel-server` (a rewrite translation). */
export const channelServer = {
  id: 'channel-server',
  kind: 'translation',
  summary: "A dispatcher that builds class-preserved channels keeps its class: `start()` listens with `startServer` and hands each connection to `handle_accepted(conn, addr, reader)`.",
  help: "`new Server(...)` becomes `await new Server(...).start()`; `loop()` becomes `serveForever()`.",
} as const satisfies RuleDefinition;
