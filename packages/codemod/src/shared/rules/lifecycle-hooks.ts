import type { RuleDefinition } from './rule';

/** `lifecycle-hooks` (a rewrite translation). */
export const lifecycleHooks = {
  id: 'lifecycle-hooks',
  kind: 'translation',
  summary: "`handle_close` runs after the read loop, `handle_error` in a catch around it, `handle_connect` once the connection is open.",
  help: "Review the code around the loop.",
} as const satisfies RuleDefinition;
