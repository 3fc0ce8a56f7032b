/**
 * The rewrite's rules, one file each: the planner names them by these definitions, and their ids
 * appear in markers, in `--json` and in docs/rules.md.
 */
import { framesLoop } from './frames-loop';
import { readFrameLoop } from './read-frame-loop';
import { pushWrite } from './push-write';
import { producerWrite } from './producer-write';
import { closeWriter } from './close-writer';
import { lifecycleHooks } from './lifecycle-hooks';
import { handlerFunction } from './handler-function';
import { handlerClass } from './handler-class';
import { channelClass } from './channel-class';
import { channelServer } from './channel-server';
import { startServer } from './start-server';
import { openConnection } from './open-connection';
import { imports } from './streams-imports';
import { manualOverride } from './manual-override';
import { discardBuffers } from './discard-buffers';
import { dynamicTerminator } from './dynamic-terminator';
import { legacyInternals } from './legacy-internals';
import { unknownProducer } from './unknown-producer';
import { legacyReexport } from './legacy-reexport';
import { subclassChain } from './subclass-chain';
import { unrecognisedHandler } from './unrecognised-handler';
import { unrecognisedServer } from './unrecognised-server';
import { unrecognisedClient } from './unrecognised-client';
import { legacyCallSite } from './legacy-call-site';
import { legacyLoop } from './legacy-loop';

export type { RuleDefinition } from './rule';

/** What the rewrite does by itself. */
export const TRANSLATIONS = {
  framesLoop,
  readFrameLoop,
  pushWrite,
  producerWrite,
  closeWriter,
  lifecycleHooks,
  handlerFunction,
  handlerClass,
  channelClass,
  channelServer,
  startServer,
  openConnection,
  imports,
} as const;

/** What the rewrite leaves for a person, with `// TODO(asynchat-migrate): <rule>: <reason>`. */
export const MARKERS = {
  manualOverride,
  discardBuffers,
  dynamicTerminator,
  legacyInternals,
  unknownProducer,
  legacyReexport,
  subclassChain,
  unrecognisedHandler,
  unrecognisedServer,
  unrecognisedClient,
  legacyCallSite,
  legacyLoop,
} as const;

/** Every rewrite rule, by id. */
export const REWRITE_RULES: ReadonlyMap<string, (typeof TRANSLATIONS)[keyof typeof TRANSLATIONS] | (typeof MARKERS)[keyof typeof MARKERS]> = new Map(
  [...Object.values(TRANSLATIONS), ...Object.values(MARKERS)].map((rule) => [rule.id, rule]),
);
