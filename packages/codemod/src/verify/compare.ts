import type { RecordedConversation } from '@asynchat/shim';
import { isNoise, tokenHunks, type NoiseMap } from './noise';
import type { ReplayOutcome } from './replay';
import { tokenize, type Token } from './tokens';

/** What the reference says the program does in a conversation: the recording, or the legacy program's first baseline run. */
export interface Reference {
  received: Buffer;
  /** Whether the server closed (null: not comparable: the recording stops early, or the baseline runs disagree). */
  serverCloses: boolean | null;
  /** How many inbound steps the server had before it closed (an earlier close is an early close). */
  closeAfterInbound: number | null;
}

/** The first place the candidate's bytes differ from the reference, beyond noise. */
export interface ByteDivergence {
  kind: 'bytes';
  /** Byte offsets of the divergence in the reference and in the candidate's bytes. */
  expectedOffset: number;
  actualOffset: number;
  expectedLength: number;
  actualLength: number;
  /** How many recorded inbound chunks the client had sent before the reference reached this byte. */
  afterInbound: number;
}

export interface CloseDivergence {
  kind: 'close';
  expected: string;
  actual: string;
}

export type Divergence = ByteDivergence | CloseDivergence;

export interface Comparison {
  divergences: Divergence[];
  /** Regions that differed but were noise (baseline disagreement or --ignore). */
  noiseIgnored: number;
}

/** The reference a recording gives by itself (no baseline). */
export function recordingReference(conversation: RecordedConversation): Reference {
  const received = Buffer.concat(conversation.events.flatMap((event) => (event.kind === 'out' ? [event.data] : [])));
  const closes = conversation.events.some((event) => event.kind === 'close');
  const comparable = conversation.ending === 'peer-eof' || conversation.ending === 'local-close';
  let inbound = 0;
  for (const event of conversation.events) {
    if (event.kind === 'close') break;
    if (event.kind === 'in' || event.kind === 'eof') inbound += 1;
  }
  return { received, serverCloses: comparable ? closes : null, closeAfterInbound: comparable && closes ? inbound : null };
}

/** The reference a baseline run gives: what the legacy program did in the replay. */
export function outcomeReference(outcome: ReplayOutcome, conversation: RecordedConversation): Reference {
  const comparable = conversation.ending === 'peer-eof' || conversation.ending === 'local-close';
  return {
    received: outcome.received,
    serverCloses: comparable ? outcome.serverClosed && !outcome.serverReset : null,
    closeAfterInbound: outcome.serverClosed ? outcome.closedAfterInbound : null,
  };
}

function ignoredIn(payload: Buffer, ignore: readonly RegExp[]): (token: Token) => boolean {
  if (ignore.length === 0) return () => false;
  const text = payload.toString('latin1');
  const ranges: [number, number][] = [];
  for (const pattern of ignore) {
    for (const match of text.matchAll(new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`))) {
      if (match[0].length > 0) ranges.push([match.index, match.index + match[0].length]);
    }
  }
  return (token) => ranges.some(([start, end]) => token.start < end && token.end > start);
}

function inboundBefore(outcome: ReplayOutcome, expectedOffset: number): number {
  let count = 0;
  for (const offset of outcome.expectedBeforeInbound) if (offset <= expectedOffset) count += 1;
  return count;
}

/**
 * Compares what the candidate did in one conversation with the reference: its bytes (chunking
 * aside; noise aside) and its close (whether it closed, and not before the input it had to
 * answer).
 *
 * @example
 * const { divergences } = compareConversation(recordingReference(conversation), outcome, findNoise(reference.received, [], []), []);
 */
export function compareConversation(reference: Reference, outcome: ReplayOutcome, noise: NoiseMap, ignore: readonly RegExp[], closeIsNoise = false): Comparison {
  const divergences: Divergence[] = [];
  let noiseIgnored = 0;
  const expected = reference.received;
  const actual = outcome.received;
  if (!expected.equals(actual)) {
    const candidateTokens = tokenize(actual);
    const hunks = tokenHunks(noise.tokens, candidateTokens);
    let first: ByteDivergence | null = null;
    if (hunks === null) {
      let offset = 0;
      while (offset < expected.length && offset < actual.length && expected[offset] === actual[offset]) offset += 1;
      first = { kind: 'bytes', expectedOffset: offset, actualOffset: offset, expectedLength: expected.length, actualLength: actual.length, afterInbound: inboundBefore(outcome, offset) };
    } else {
      const candidateIgnored = ignoredIn(actual, ignore);
      for (const hunk of hunks) {
        if (isNoise(noise, hunk, candidateTokens, candidateIgnored)) {
          noiseIgnored += 1;
          continue;
        }
        const expectedOffset = noise.tokens[hunk.removedStart]?.start ?? expected.length;
        const actualOffset = candidateTokens[hunk.addedStart]?.start ?? actual.length;
        first = { kind: 'bytes', expectedOffset, actualOffset, expectedLength: expected.length, actualLength: actual.length, afterInbound: inboundBefore(outcome, expectedOffset) };
        break;
      }
    }
    if (first !== null) divergences.push(first);
  }
  if (!closeIsNoise) {
    const close = compareClose(reference, outcome);
    if (close !== null) divergences.push(close);
  }
  return { divergences, noiseIgnored };
}

function compareClose(reference: Reference, outcome: ReplayOutcome): CloseDivergence | null {
  if (outcome.connectError !== null) return { kind: 'close', expected: 'a connection', actual: `the connection failed (${outcome.connectError})` };
  if (reference.serverCloses === null) return null;
  const inboundTotal = outcome.inbound.length;
  if (reference.serverCloses && !outcome.serverClosed) {
    return { kind: 'close', expected: `the server closes (after the client's ${ordinal(reference.closeAfterInbound ?? inboundTotal)} step)`, actual: 'the server did not close' };
  }
  if (!reference.serverCloses && outcome.serverClosed) {
    return { kind: 'close', expected: 'the client ends the conversation; the server does not close', actual: `the server ${outcome.serverReset ? 'reset' : 'closed'} the connection after the client's ${ordinal(outcome.closedAfterInbound ?? 0)} step` };
  }
  if (reference.serverCloses && outcome.serverClosed) {
    const early = outcome.undelivered > 0 || (reference.closeAfterInbound !== null && (outcome.closedAfterInbound ?? 0) < reference.closeAfterInbound);
    if (early) {
      return {
        kind: 'close',
        expected: `the server closes after the client's ${ordinal(reference.closeAfterInbound ?? inboundTotal)} step`,
        actual: `the server closed early, after the client's ${ordinal(outcome.closedAfterInbound ?? 0)} step (${outcome.undelivered} recorded client step(s) could not be sent)`,
      };
    }
  }
  return null;
}

function ordinal(count: number): string {
  if (count === 0) return 'connect (no data)';
  const suffix = count % 100 >= 11 && count % 100 <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][count % 10] ?? 'th');
  return `${count}${suffix}`;
}
