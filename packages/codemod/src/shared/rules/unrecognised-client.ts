import type { RuleDefinition } from './rule';

/** `unrecognised-client` (a rewrite marker). */
export const unrecognisedClient = {
  id: 'unrecognised-client',
  kind: 'marker',
  summary: "A channel without a socket whose constructor does not `create_socket()` + `connect([host, port])` with parameters or literals, or whose `handle_connect` does more than write.",
  help: "Port it to `openConnection` by hand.",
} as const satisfies RuleDefinition;
