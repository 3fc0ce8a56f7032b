import type { RuleDefinition } from './rule';

/** `manual-override` (a rewrite marker). */
export const manualOverride = {
  id: 'manual-override',
  kind: 'marker',
  summary: "The class overrides socket-level I/O (`handle_read`, `handle_write`, `recv`, `send`, `readable`, `writable`, `initiate_send`, ...) or `handle_accept` in a shape the rewrite does not follow: the read loop is not asynchat's any more.",
  help: "Port the I/O by hand on `StreamReader` / `StreamWriter`; the reason names every override.",
} as const satisfies RuleDefinition;
