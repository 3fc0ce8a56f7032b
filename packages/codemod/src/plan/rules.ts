/**
 * Rule ids of the rewrite: the same ids appear in decisions, in markers, in `--json` and in
 * docs/rules.md ("## rewrite markers" for the marker ids).
 */

/** Translations: what the rewrite does by itself. */
export const TRANSLATION_RULES = {
  framesLoop: 'frames-loop',
  readFrameLoop: 'read-frame-loop',
  pushWrite: 'push-write',
  producerWrite: 'producer-write',
  closeWriter: 'close-writer',
  lifecycleHooks: 'lifecycle-hooks',
  handlerFunction: 'handler-function',
  handlerClass: 'handler-class',
  channelClass: 'channel-class',
  channelServer: 'channel-server',
  startServer: 'start-server',
  openConnection: 'open-connection',
  imports: 'streams-imports',
} as const;

/** Markers: what the rewrite leaves for a person, with `// TODO(asynchat-migrate): <rule>: <reason>`. */
export const MARKER_RULES = {
  manualOverride: 'manual-override',
  discardBuffers: 'discard-buffers',
  dynamicTerminator: 'dynamic-terminator',
  legacyInternals: 'legacy-internals',
  unknownProducer: 'unknown-producer',
  legacyReexport: 'legacy-reexport',
  subclassChain: 'subclass-chain',
  unrecognisedHandler: 'unrecognised-handler',
  unrecognisedServer: 'unrecognised-server',
  unrecognisedClient: 'unrecognised-client',
  legacyCallSite: 'legacy-call-site',
  legacyLoop: 'legacy-loop',
} as const;

export type TranslationRule = (typeof TRANSLATION_RULES)[keyof typeof TRANSLATION_RULES];
export type MarkerRule = (typeof MARKER_RULES)[keyof typeof MARKER_RULES];

/** The fixed prefix of every marker comment; `check` looks for the same text. */
export const MARKER_PREFIX = 'TODO(asynchat-migrate):';

/** The marker comment line for a rule, without indentation or newline. */
export function markerComment(rule: MarkerRule, reason: string): string {
  return `// ${MARKER_PREFIX} ${rule}: ${reason}`;
}
