import type { RuleDefinition } from './rule';

/** `handler-function` (a rewrite translation). */
export const handlerFunction = {
  id: 'handler-function',
  kind: 'translation',
  summary: "A handler with no other state becomes an exported `async function handleX(reader, writer)`.",
  help: "Call it from `startServer` (the rewrite does where it translates the server).",
} as const satisfies RuleDefinition;
