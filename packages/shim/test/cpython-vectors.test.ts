/**
 * Differential test against CPython: every trace recorded from Python 3.11's real asynchat by
 * scripts/vectors/generate.py (fixtures/shim-vectors/asynchat-traces.json) is replayed on the
 * shim, with the same scripted socket and the same read/write events, and must match exactly:
 * every collect_incoming_data argument, found_terminator call (with the terminator at entry),
 * send, handle_error and handle_close, in order, plus the end state.
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import type { ChannelSocket } from '../src/channel-socket';

type EncodedTerminator = { bytes: string } | { int: number } | { bool: boolean } | null;
type Action =
  | ['set', EncodedTerminator]
  | ['push', string]
  | ['push_producer', string, number]
  | ['push_bytes_producer', string]
  | ['close_when_done']
  | ['close']
  | ['discard']
  | ['raise'];
type TraceItem = ['C', string] | ['F', EncodedTerminator] | ['X'] | ['E'] | ['S', string, number] | ['setup-raised'];

interface Vector {
  name: string;
  terminator: EncodedTerminator;
  chunks: string[];
  ac_in_buffer_size: number;
  ac_out_buffer_size: number;
  on_found: Record<string, Action[]>;
  setup: Action[];
  send_caps: (number | null)[];
  raise_in_collect: number | null;
  eof_early: boolean;
  events: string;
  trace: TraceItem[];
  final: {
    ac_in_buffer: string;
    terminator: EncodedTerminator;
    connected: boolean;
    in_map: boolean;
    producer_fifo: ({ bytes: string } | { producer: string } | null)[];
  };
}

const fixture = JSON.parse(
  readFileSync(path.join(__dirname, '../../../fixtures/shim-vectors/asynchat-traces.json'), 'utf8'),
) as { python: string; cases: Vector[] };

function decodeTerminator(value: EncodedTerminator): asynchat.Terminator {
  if (value === null) return null;
  if ('bool' in value) return value.bool;
  if ('int' in value) return value.int;
  return Buffer.from(value.bytes, 'hex');
}

function encodeTerminator(value: unknown): EncodedTerminator {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return { bool: value };
  if (typeof value === 'number') return { int: value };
  return { bytes: Buffer.from(value as Uint8Array).toString('hex') };
}

class ScriptError extends Error {
  override name = 'ScriptError';
}

/** The Python ScriptedSocket: recv returns the chunks cut to n, then EOF; send accepts per caps. */
class ScriptedSocket {
  readonly chunks: Buffer[];
  eofDelivered = false;
  constructor(
    chunks: string[],
    private readonly caps: (number | null)[],
    private readonly trace: TraceItem[],
  ) {
    this.chunks = chunks.map((chunk) => Buffer.from(chunk, 'hex'));
  }
  fileno(): number {
    return 1000;
  }
  setblocking(): void {}
  getpeername(): [string, number] {
    return ['127.0.0.1', 1];
  }
  recv(n: number): Buffer {
    const chunk = this.chunks[0];
    if (chunk === undefined) {
      this.eofDelivered = true;
      return Buffer.alloc(0);
    }
    if (chunk.length > n) {
      this.chunks[0] = chunk.subarray(n);
      return chunk.subarray(0, n);
    }
    this.chunks.shift();
    return chunk;
  }
  send(data: Uint8Array): number {
    const cap = this.caps.length > 0 ? this.caps.shift() : null;
    const n = cap === null || cap === undefined ? data.length : Math.min(cap, data.length);
    this.trace.push(['S', Buffer.from(data).toString('hex'), n]);
    return n;
  }
  close(): void {}
}

function runAction(channel: Probe, action: Action): void {
  switch (action[0]) {
    case 'set':
      channel.set_terminator(decodeTerminator(action[1]));
      return;
    case 'push':
      channel.push(Buffer.from(action[1], 'hex'));
      return;
    case 'push_producer':
      channel.push_with_producer(new asynchat.simple_producer(Buffer.from(action[1], 'hex'), action[2]));
      return;
    case 'push_bytes_producer':
      channel.push_with_producer(Buffer.from(action[1], 'hex'));
      return;
    case 'close_when_done':
      channel.close_when_done();
      return;
    case 'close':
      channel.close();
      return;
    case 'discard':
      channel.discard_buffers();
      return;
    case 'raise':
      throw new ScriptError(`found ${channel.foundCalls}`);
  }
}

class Probe extends asynchat.async_chat {
  foundCalls = 0;
  collectCalls = 0;
  constructor(
    sock: ScriptedSocket,
    map: asyncore.SocketMap,
    private readonly vector: Vector,
    private readonly trace: TraceItem[],
  ) {
    super(sock as unknown as ChannelSocket, map);
    this.ac_in_buffer_size = vector.ac_in_buffer_size;
    this.ac_out_buffer_size = vector.ac_out_buffer_size;
    this.set_terminator(decodeTerminator(vector.terminator));
  }
  override collect_incoming_data(data: Buffer): void {
    this.collectCalls += 1;
    if (this.vector.raise_in_collect === this.collectCalls) throw new ScriptError(`collect ${this.collectCalls}`);
    this.trace.push(['C', Buffer.from(data).toString('hex')]);
  }
  override found_terminator(): void {
    this.trace.push(['F', encodeTerminator(this.get_terminator())]);
    this.foundCalls += 1;
    for (const action of this.vector.on_found[String(this.foundCalls)] ?? []) runAction(this, action);
  }
  override handle_close(): void {
    this.trace.push(['X']);
    this.close();
  }
  override handle_error(): void {
    this.trace.push(['E']);
    this.handle_close();
  }
}

function describeFifo(channel: Probe): Vector['final']['producer_fifo'] {
  return [...channel.producer_fifo].map((item) => {
    if (item === null) return null;
    if (item instanceof Uint8Array) return { bytes: Buffer.from(item).toString('hex') };
    if (item instanceof asynchat.simple_producer) return { producer: Buffer.from(item.data as Uint8Array).toString('hex') };
    throw new Error(`unexpected fifo item ${String(item)}`);
  });
}

function replay(vector: Vector): { trace: TraceItem[]; final: Vector['final'] } {
  const trace: TraceItem[] = [];
  const map = new Map<number, asyncore.dispatcher>();
  const sock = new ScriptedSocket(vector.chunks, [...vector.send_caps], trace);
  const channel = new Probe(sock, map, vector, trace);
  for (const action of vector.setup) {
    try {
      runAction(channel, action);
    } catch (error) {
      if (!(error instanceof ScriptError)) throw error;
      trace.push(['setup-raised']);
    }
  }
  for (const event of vector.events) {
    expect(map.has(1000)).toBe(true);
    if (event === 'r') asyncore.read(channel);
    else asyncore.write(channel);
  }
  return {
    trace,
    final: {
      ac_in_buffer: channel.ac_in_buffer.toString('hex'),
      terminator: encodeTerminator(channel.terminator),
      connected: Boolean(channel.connected),
      in_map: map.has(1000),
      producer_fifo: describeFifo(channel),
    },
  };
}

describe(`CPython ${fixture.python} asynchat traces`, () => {
  test('the fixture holds a few hundred cases', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(300);
  });

  test.each(fixture.cases.map((vector) => [vector.name, vector] as const))('%s', (_name, vector) => {
    const { trace, final } = replay(vector);
    expect(trace).toEqual(vector.trace);
    expect(final).toEqual(vector.final);
  });
});
