import type { RuleDefinition } from './rule';

/** `handler-class` (a rewrite translation). */
export const handlerClass = {
  id: 'handler-class',
  kind: 'translation',
  summary: "A handler with state keeps its class, with `run(reader, writer)` in place of found_terminator.",
  help: "Call `new X(...).run(reader, writer)` from `startServer` (the rewrite does where it translates the server).",
} as const satisfies RuleDefinition;
