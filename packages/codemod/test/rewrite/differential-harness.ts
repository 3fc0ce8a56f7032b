/**
 * Differential harness: the legacy fixture runs on the shim, the migrated fixture on streams, both
 * on real loopback servers (127.0.0.1, port 0), and the same scripted client conversations, cut at
 * seeded random chunk boundaries, are played against each. What comes back, and whether the server
 * closed before the client's EOF, must match.
 *
 * `conversation.json` (next to input/output) says how to start each side from the module's exports:
 * - legacy: `{ "server": "EchoServer" }` (constructed with ('127.0.0.1', 0), then `loop()`), or
 *   `{ "handler": "EchoHandler", "args": [] }` (built by a harness dispatcher for each accepted socket);
 * - migrated: `{ "server": "startEchoServer" }` (called with ('127.0.0.1', 0)), `{ "function": "handleEcho" }`
 *   or `{ "class": "ProtocolHandler", "args": [] }` (`new X(...args).run(reader, writer)` per connection),
 *   `{ "startable": "StoreServer" }` (`await new X('127.0.0.1', 0).start()`, a class-preserved server) or
 *   `{ "channel": "StoreChannel", "args": [] }` (`new X(writer, ...args).run(reader)` per connection);
 * - conversations: lists of client sends (latin1 strings; `{{70000*x}}` stands for 70,000 `x`, for
 *   frames longer than the streams default limit); seeds: how many random cuts of each.
 */
import * as net from 'node:net';
import { close_all, dispatcher, loop } from '@asynchat/shim';
import { startServer, type Server, type StreamReader, type StreamWriter } from '@asynchat/streams';

export interface ConversationSpec {
  /** Cross-file cases: which input file (`input/<path>`) the spec runs. */
  file?: string;
  legacy: { server: string } | { handler: string; args?: unknown[] };
  migrated: { server: string } | { function: string } | { class: string; args?: unknown[] } | { startable: string } | { channel: string; args?: unknown[] };
  conversations: string[][];
  /** Several clients at once, in turns (`[client, data]` steps), with `clients` connections. */
  turns?: { clients: number; steps: Step[] }[];
  seeds?: number;
}

/** What one client saw. */
export interface ConversationRecord {
  received: string;
  /** The server closed its side before the client sent EOF. */
  closedBeforeClientEof: boolean;
  /** The server closed its side at all (before the harness gave up waiting). */
  closed: boolean;
}

export interface RunningServer {
  port: number;
  stop(): Promise<void>;
}

type Exports = Record<string, unknown>;

function exported<T>(module: Exports, name: string): T {
  const value = module[name];
  if (value === undefined) throw new Error(`the fixture module does not export ${name} (exports: ${Object.keys(module).join(', ')})`);
  return value as T;
}

/** A seeded PRNG (mulberry32): the same seed gives the same chunking on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Cuts `data` into chunks at seeded random boundaries (seed 0: one byte per chunk). Chunks are up to
 * 8 bytes, or 1/64 of the data for large data, so that a frame past 64 KiB still arrives in ~100 writes.
 */
export function cutChunks(data: Buffer, seed: number): Buffer[] {
  if (seed === 0) return [...data].map((byte) => Buffer.from([byte]));
  const random = seededRandom(seed);
  const chunks: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const size = 1 + Math.floor(random() * Math.min(Math.max(8, Math.ceil(data.length / 64)), data.length - offset));
    chunks.push(data.subarray(offset, offset + size));
    offset += size;
  }
  return chunks;
}

const pause = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

/** Plays one conversation: sends the chunks apart in time, waits for quiet, sends EOF, waits for the close. */
export function converse(port: number, chunks: Buffer[]): Promise<ConversationRecord> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    const received: Buffer[] = [];
    let clientEnded = false;
    let closedBeforeClientEof = false;
    let closed = false;
    let lastData = Date.now();
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      resolve({ received: Buffer.concat(received).toString('latin1'), closedBeforeClientEof, closed });
    };
    const giveUp = setTimeout(finish, 5000);
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      lastData = Date.now();
    });
    socket.on('end', () => {
      closed = true;
      if (!clientEnded) closedBeforeClientEof = true;
    });
    socket.on('close', () => {
      clearTimeout(giveUp);
      // A reset after the server's FIN is still a close; give pending 'end' a turn first.
      setImmediate(finish);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNRESET' || error.code === 'EPIPE') return;
      clearTimeout(giveUp);
      settled = true;
      reject(error);
    });
    socket.once('connect', async () => {
      for (const chunk of chunks) {
        if (closed || socket.destroyed) break;
        socket.write(chunk);
        await pause(3);
      }
      // Quiet for 100 ms after the last byte either way (or the server closed): the answer is complete.
      lastData = Math.max(lastData, Date.now());
      while (!closed && !socket.destroyed && Date.now() - lastData < 100) await pause(10);
      clientEnded = true;
      if (!socket.destroyed) socket.end();
    });
  });
}

/** Starts the legacy side on the shim. */
export async function startLegacy(module: Exports, spec: ConversationSpec['legacy']): Promise<RunningServer> {
  let listener: dispatcher;
  if ('server' in spec) {
    const ServerClass = exported<new (host: string, port: number) => dispatcher>(module, spec.server);
    listener = new ServerClass('127.0.0.1', 0);
  } else {
    const HandlerClass = exported<new (sock: net.Socket, ...args: unknown[]) => unknown>(module, spec.handler);
    const args = spec.args ?? [];
    class HarnessServer extends dispatcher {
      constructor() {
        super();
        this.create_socket();
        this.bind(['127.0.0.1', 0]);
        this.listen(5);
      }

      override handle_accepted(sock: net.Socket): void {
        new HandlerClass(sock, ...args);
      }
    }
    listener = new HarnessServer();
  }
  const address = (listener as unknown as { socket: { getsockname(): [string, number] } }).socket.getsockname();
  const serving = loop({ timeout: 0.01 });
  return {
    port: address[1],
    async stop() {
      close_all();
      await serving;
    },
  };
}

/** Starts the migrated side on streams. */
export async function startMigrated(module: Exports, spec: ConversationSpec['migrated']): Promise<RunningServer> {
  let server: Server;
  if ('server' in spec) {
    server = await exported<(host: string, port: number) => Promise<Server>>(module, spec.server)('127.0.0.1', 0);
  } else if ('startable' in spec) {
    // A class-preserved server: `await new X('127.0.0.1', 0).start()` listens; its listener is the Server.
    const ServerClass = exported<new (host: string, port: number) => { start(): Promise<{ listener: Server }> }>(module, spec.startable);
    server = (await new ServerClass('127.0.0.1', 0).start()).listener;
  } else if ('channel' in spec) {
    // A class-preserved channel: built on the writer (where it took the socket), then run on the reader.
    const ChannelClass = exported<new (...args: unknown[]) => { run(reader: StreamReader): Promise<void> }>(module, spec.channel);
    const args = spec.args ?? [];
    server = await startServer((reader, writer) => new ChannelClass(writer, ...args).run(reader), { host: '127.0.0.1', port: 0 });
  } else if ('function' in spec) {
    server = await startServer(exported<(reader: StreamReader, writer: StreamWriter) => Promise<void>>(module, spec.function), { host: '127.0.0.1', port: 0 });
  } else {
    const HandlerClass = exported<new (...args: unknown[]) => { run(reader: StreamReader, writer: StreamWriter): Promise<void> }>(module, spec.class);
    const args = spec.args ?? [];
    server = await startServer((reader, writer) => new HandlerClass(...args).run(reader, writer), { host: '127.0.0.1', port: 0 });
  }
  return {
    port: server.address().port,
    async stop() {
      server.close();
      await server.waitClosed();
    },
  };
}

/**
 * Client cases: `{ "kind": "client", "function": "ask", "calls": [[...args]] }`: both modules export
 * `function(host, port, ...args)` that runs the client to its end and returns what it collected. A
 * scripted server answers every CRLF line with the line upper-cased (cut at seeded boundaries),
 * and `QUIT` with `BYE` and a close.
 */
export interface ClientSpec {
  kind: 'client';
  file?: string;
  function: string;
  calls: unknown[][];
  seeds?: number;
}

export interface ClientRecord {
  result: unknown;
  /** What the scripted server received. */
  received: string;
  /** The client closed its side. */
  clientClosed: boolean;
}

/** Runs one client call against a fresh scripted server. */
export async function runClient(module: Exports, spec: ClientSpec, args: unknown[], seed: number): Promise<ClientRecord> {
  const received: Buffer[] = [];
  let clientClosed = false;
  const server = net.createServer({ allowHalfOpen: true }, (socket) => {
    let pending = Buffer.alloc(0);
    let replies = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      received.push(chunk);
      pending = Buffer.concat([pending, chunk]);
      for (let end = pending.indexOf('\r\n'); end !== -1; end = pending.indexOf('\r\n')) {
        const line = pending.subarray(0, end).toString('latin1');
        pending = pending.subarray(end + 2);
        const quit = line === 'QUIT';
        const answer = Buffer.from(quit ? 'BYE\r\n' : `${line.toUpperCase()}\r\n`, 'latin1');
        replies = replies.then(async () => {
          for (const piece of cutChunks(answer, seed)) {
            if (socket.destroyed) return;
            socket.write(piece);
            await pause(2);
          }
          if (quit) socket.end();
        });
      }
    });
    socket.on('end', () => {
      clientClosed = true;
      socket.end();
    });
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  try {
    const run = exported<(host: string, port: number, ...rest: unknown[]) => Promise<unknown>>(module, spec.function);
    const result = await Promise.race([
      run('127.0.0.1', port, ...args),
      pause(5000).then(() => {
        throw new Error(`${spec.function} did not finish within 5 s`);
      }),
    ]);
    await pause(20);
    return { result, received: Buffer.concat(received).toString('latin1'), clientClosed };
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** A step of a multi-client conversation: client `index` sends `data` (latin1). */
export type Step = [index: number, data: string];

/**
 * Several clients in turns (a chat room): each step's bytes go out in seeded chunks, then the harness
 * waits for quiet; at the end every client sends EOF in order. Returns what each client received.
 */
export async function converseInTurns(port: number, clientCount: number, steps: Step[], seed: number): Promise<ConversationRecord[]> {
  const sockets: net.Socket[] = [];
  const records: { received: Buffer[]; closed: boolean; ended: boolean; closedBeforeClientEof: boolean }[] = [];
  let lastActivity = Date.now();
  for (let index = 0; index < clientCount; index += 1) {
    const record = { received: [] as Buffer[], closed: false, ended: false, closedBeforeClientEof: false };
    const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
    socket.on('data', (chunk: Buffer) => {
      record.received.push(chunk);
      lastActivity = Date.now();
    });
    socket.on('end', () => {
      record.closed = true;
      if (!record.ended) record.closedBeforeClientEof = true;
    });
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    sockets.push(socket);
    records.push(record);
  }
  const quiet = async (): Promise<void> => {
    lastActivity = Math.max(lastActivity, Date.now());
    while (Date.now() - lastActivity < 60) await pause(10);
  };
  await quiet();
  for (const [index, data] of steps) {
    for (const chunk of cutChunks(Buffer.from(data, 'latin1'), seed)) {
      sockets[index]!.write(chunk);
      await pause(2);
    }
    await quiet();
  }
  for (const [index, socket] of sockets.entries()) {
    records[index]!.ended = true;
    socket.end();
    await quiet();
  }
  const deadline = Date.now() + 2000;
  while (records.some((record) => !record.closed) && Date.now() < deadline) await pause(10);
  for (const socket of sockets) socket.destroy();
  return records.map((record) => ({
    received: Buffer.concat(record.received).toString('latin1'),
    closedBeforeClientEof: record.closedBeforeClientEof,
    closed: record.closed,
  }));
}

/** A conversation's bytes: its sends joined, with `{{N*c}}` expanded to `c` repeated N times. */
export function conversationBytes(sends: readonly string[]): Buffer {
  const text = sends.join('').replace(/\{\{(\d+)\*(.)\}\}/g, (_match, count: string, character: string) => character.repeat(Number(count)));
  return Buffer.from(text, 'latin1');
}
