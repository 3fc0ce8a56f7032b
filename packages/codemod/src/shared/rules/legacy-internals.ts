import type { RuleDefinition } from './rule';

/** `legacy-internals` (a rewrite marker). */
export const legacyInternals = {
  id: 'legacy-internals',
  kind: 'marker',
  summary: "The code uses `ac_in_buffer`, `producer_fifo`, `socket` (beyond getpeername/getsockname), `socket_map` or another piece of the legacy event loop, or calls the channel API on a value the rewrite cannot prove is a migrated channel.",
  help: "Rewrite that logic on streams (`writer.getExtraInfo('peername')`, `reader.buffered`, a writer kept per member, ...).",
} as const satisfies RuleDefinition;
