import type { RuleDefinition } from './rule';

/** `open-connection` (a rewrite translation). */
export const openConnection = {
  id: 'open-connection',
  kind: 'translation',
  summary: "A client (`create_socket()` + `connect([host, port])`) connects with `openConnection` in `run(host, port)`.",
  help: "Await the client's run where `loop()` ran.",
} as const satisfies RuleDefinition;
