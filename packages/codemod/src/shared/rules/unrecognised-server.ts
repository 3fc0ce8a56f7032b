import type { RuleDefinition } from './rule';

/** `unrecognised-server` (a rewrite marker). */
export const unrecognisedServer = {
  id: 'unrecognised-server',
  kind: 'marker',
  summary: "A dispatcher subclass the rewrite cannot turn into `startServer` (set up from outside its constructor, several channels per connection, a non-IPv4 socket, ...), or one started where its Promise cannot be awaited.",
  help: "Move the setup into the constructor and the channel construction into `handle_accepted`, then rerun; or port it to `startServer` by hand.",
} as const satisfies RuleDefinition;
