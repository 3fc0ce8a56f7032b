import type { RuleDefinition } from './rule';

/** `discard-buffers` (a rewrite marker). */
export const discardBuffers = {
  id: 'discard-buffers',
  kind: 'marker',
  summary: "`discard_buffers()` is called or overridden: it drops queued input and output, which streams has no equivalent for.",
  help: "Decide what the protocol needs (usually: close, or skip frames).",
} as const satisfies RuleDefinition;
