import * as net from 'node:net';
import type { RecordedConversation } from '@asynchat/shim';
import { buildTimeline } from './timeline';

/** Where a conversation is replayed: the address standing in for its recorded listening address. */
export type AddressFor = (conversation: RecordedConversation) => { host: string; port: number };

export interface ReplayOptions {
  /** Milliseconds to wait for the outbound bytes an inbound step depends on (then it goes anyway). */
  timeoutMs: number;
  /**
   * Milliseconds between two chunks of one connection with nothing to wait for between them, so
   * that the server reads them as two chunks, as recorded (TCP would otherwise merge them).
   */
  chunkGapMs?: number;
}

/** What the program under test did in one replayed conversation. */
export interface ReplayOutcome {
  /** Every byte the server sent, in order (the chunking is not compared). */
  received: Buffer;
  /** The server ended the connection (FIN or reset), and after how many of our inbound steps. */
  serverClosed: boolean;
  serverReset: boolean;
  closedAfterInbound: number | null;
  /** Inbound steps (chunks, end of stream) that could not be delivered: the server had closed. */
  undelivered: number;
  /** The recorded inbound chunks, in order (for the report's context). */
  inbound: Buffer[];
  /** Offsets in `received` the recording expected before each inbound step. */
  expectedBeforeInbound: number[];
  connectError: string | null;
}

interface Live {
  socket: net.Socket | null;
  outcome: ReplayOutcome;
  chunks: Buffer[];
  receivedBytes: number;
  expectedBytes: number;
  /** Bytes given up on after a timeout: later waits do not wait for them again. */
  forgiven: number;
  inboundDone: number;
  ended: boolean;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Replays the recorded timeline against a running program: connections open in recorded order
 * (overlapping as they did), each recorded inbound chunk is written as one write, and an inbound
 * step goes only when every outbound byte that preceded it in the recording, in any conversation,
 * has arrived (or `timeoutMs` passed). Returns what the program sent back, per conversation.
 *
 * @example
 * const outcomes = await replay(conversations, () => ({ host: '127.0.0.1', port }), { timeoutMs: 2000 });
 */
export async function replay(conversations: readonly RecordedConversation[], addressFor: AddressFor, options: ReplayOptions): Promise<ReplayOutcome[]> {
  const chunkGapMs = options.chunkGapMs ?? 2;
  const live: Live[] = conversations.map(() => ({
    socket: null,
    chunks: [],
    receivedBytes: 0,
    expectedBytes: 0,
    forgiven: 0,
    inboundDone: 0,
    ended: false,
    outcome: { received: Buffer.alloc(0), serverClosed: false, serverReset: false, closedAfterInbound: null, undelivered: 0, inbound: [], expectedBeforeInbound: [], connectError: null },
  }));
  let wake: (() => void) | null = null;
  const notify = (): void => {
    const resume = wake;
    wake = null;
    resume?.();
  };
  const satisfied = (entry: Live): boolean => entry.ended || entry.outcome.connectError !== null || entry.receivedBytes + entry.forgiven >= entry.expectedBytes;
  // The conversations still owed outbound bytes: a step waits until this is empty.
  const owing = new Set<Live>();
  const settle = (entry: Live): void => {
    if (satisfied(entry)) owing.delete(entry);
    else owing.add(entry);
  };
  const waitForOutbound = async (): Promise<void> => {
    const deadline = Date.now() + options.timeoutMs;
    for (const entry of [...owing]) settle(entry);
    while (owing.size > 0) {
      const left = deadline - Date.now();
      if (left <= 0) {
        for (const entry of owing) entry.forgiven = entry.expectedBytes - entry.receivedBytes;
        owing.clear();
        return;
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      for (const entry of [...owing]) settle(entry);
    }
  };
  const serverEnded = (entry: Live, reset: boolean): void => {
    if (entry.ended) return;
    entry.ended = true;
    entry.outcome.serverClosed = true;
    entry.outcome.serverReset = reset;
    entry.outcome.closedAfterInbound = entry.inboundDone;
    notify();
  };

  let previous: { conversation: number; kind: string } | null = null;
  for (const { conversation: index, event } of buildTimeline(conversations)) {
    const entry = live[index]!;
    if (event.kind === 'out') {
      entry.expectedBytes += event.data.length;
      settle(entry);
      continue;
    }
    if (event.kind === 'close' || event.kind === 'truncated') continue;
    // An inbound step: open, a chunk, end of stream, a reset.
    await waitForOutbound();
    if (previous !== null && previous.conversation === index && previous.kind === 'in' && event.kind === 'in' && chunkGapMs > 0) await sleep(chunkGapMs);
    previous = { conversation: index, kind: event.kind };
    if (event.kind === 'open') {
      entry.socket = await open(addressFor(conversations[index]!), entry, notify, serverEnded);
      continue;
    }
    const socket = entry.socket;
    if (event.kind === 'in') {
      entry.outcome.inbound.push(event.data);
      entry.outcome.expectedBeforeInbound.push(entry.expectedBytes);
    }
    if (socket === null || entry.ended || socket.destroyed) {
      if (event.kind === 'in' || event.kind === 'eof') entry.outcome.undelivered += 1;
      continue;
    }
    entry.inboundDone += 1;
    // Not awaited: writes on one socket stay in order, and the next step waits for what it depends on.
    if (event.kind === 'in') socket.write(event.data);
    else if (event.kind === 'eof') socket.end();
    else if (event.kind === 'reset') {
      socket.resetAndDestroy();
      entry.ended = true;
    }
  }
  // The last replies and closes.
  const expectsClose = conversations.map((conversation) => conversation.events.some((event) => event.kind === 'close') && conversation.ending !== 'reset');
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline && !live.every((entry, index) => satisfied(entry) && (!expectsClose[index] || entry.ended))) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, Math.max(1, deadline - Date.now()));
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
  for (const entry of live) {
    entry.outcome.received = Buffer.concat(entry.chunks);
    entry.socket?.destroy();
  }
  return live.map((entry) => entry.outcome);
}

function open(address: { host: string; port: number }, entry: Live, notify: () => void, serverEnded: (entry: Live, reset: boolean) => void): Promise<net.Socket | null> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: address.host, port: address.port, allowHalfOpen: true });
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      entry.chunks.push(chunk);
      entry.receivedBytes += chunk.length;
      notify();
    });
    socket.on('end', () => serverEnded(entry, false));
    let connected = false;
    socket.once('connect', () => {
      connected = true;
      resolve(socket);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (connected) {
        serverEnded(entry, error.code === 'ECONNRESET');
        return;
      }
      entry.outcome.connectError = error.code ?? error.message;
      notify();
      resolve(null);
    });
  });
}
