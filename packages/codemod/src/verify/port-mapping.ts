import type { RecordedConversation } from '@asynchat/shim';

/** A listening address of the recordings that no placeholder or target stands for, or an ambiguous mapping. */
export class PortMappingError extends Error {
  override readonly name = 'PortMappingError';
  constructor(
    readonly listeners: string[],
    reason: string,
  ) {
    super(reason);
  }
}

/** Where conversations recorded on one listening address go: `key` null for "every conversation". */
export interface Destination {
  key: string | null;
  host: string;
  port: number;
}

/** `LineServer 127.0.0.1:7000` (or the socket path): how a listening address is named in messages. */
export function listenerLabel(conversation: RecordedConversation): string {
  const { listen, listener } = conversation.header;
  return `${listener} ${'path' in listen ? listen.path : `${listen.host}:${listen.port}`}`;
}

function matches(key: string, conversation: RecordedConversation): boolean {
  const { listen, listener } = conversation.header;
  return key === listener || ('port' in listen && key === String(listen.port)) || ('path' in listen && key === listen.path);
}

/**
 * Maps each conversation to a destination. A destination keyed by a recorded port, socket path or
 * listener class takes those conversations; an unkeyed one takes every conversation when the
 * recordings come from one listening address. Anything left over is a PortMappingError.
 *
 * @example
 * const addressFor = mapConversations(conversations, [{ key: null, host: '127.0.0.1', port: 41234 }]);
 */
export function mapConversations(conversations: readonly RecordedConversation[], destinations: readonly Destination[]): (conversation: RecordedConversation) => { host: string; port: number } {
  const keyed = destinations.filter((destination) => destination.key !== null);
  const plain = destinations.find((destination) => destination.key === null);
  const labels = [...new Set(conversations.map(listenerLabel))];
  const byConversation = new Map<RecordedConversation, Destination>();
  const unmapped = new Set<string>();
  for (const conversation of conversations) {
    const destination = keyed.find((candidate) => matches(candidate.key as string, conversation));
    if (destination !== undefined) byConversation.set(conversation, destination);
    else if (plain !== undefined) byConversation.set(conversation, plain);
    else unmapped.add(listenerLabel(conversation));
  }
  if (unmapped.size > 0) {
    throw new PortMappingError([...unmapped], `no {port:KEY} placeholder or KEY=host:port target for the recordings of ${[...unmapped].join(', ')} (KEY: the recorded port or the listener class)`);
  }
  if (plain !== undefined) {
    const plainLabels = new Set(conversations.filter((conversation) => byConversation.get(conversation) === plain).map(listenerLabel));
    if (plainLabels.size > 1) {
      throw new PortMappingError(labels, `the recordings come from ${plainLabels.size} listening addresses (${[...plainLabels].join(', ')}): give each its own {port:KEY} placeholder or KEY=host:port target (KEY: the recorded port or the listener class)`);
    }
  }
  return (conversation) => {
    const destination = byConversation.get(conversation) as Destination;
    return { host: destination.host, port: destination.port };
  };
}
