/**
 * CPython's own test_asynchat.py cases (T1-T12 of the semantics reference, section 3.1), over
 * real loopback sockets, each with use_poll false and true (T9). ES is CPython's echo server:
 * it accepts one connection, reads until QUIT (or EOF), removes every QUIT, optionally waits for
 * a resend signal, then echoes in chunk_size pieces with a 1 ms pause, ignoring send errors.
 */
import * as net from 'node:net';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import type { ChannelSocket } from '../src/channel-socket';

const QUIT = Buffer.from('QUIT\n');
const HOST = '127.0.0.1';

interface EchoServer {
  port: number;
  /** What ES received (before removing QUIT), what it then tried to send, and how much went out. */
  finished: Promise<{ received: Buffer; buf: Buffer; sent: number }>;
  resend(): void;
}

function removeAll(data: Buffer, needle: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  for (let at = data.indexOf(needle); at !== -1; at = data.indexOf(needle, from)) {
    parts.push(data.subarray(from, at));
    from = at + needle.length;
  }
  parts.push(data.subarray(from));
  return Buffer.concat(parts);
}

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function startEchoServer(chunkSize = 1, waitForResend = false): Promise<EchoServer> {
  let resend: () => void = () => undefined;
  const resendSignal = new Promise<void>((resolve) => (resend = resolve));
  const listener = net.createServer();
  await new Promise<void>((resolve) => listener.listen(0, HOST, resolve));
  const port = (listener.address() as net.AddressInfo).port;
  const finished = new Promise<{ received: Buffer; buf: Buffer; sent: number }>((resolve) => {
    listener.once('connection', (connection) => {
      listener.close();
      connection.on('error', () => undefined);
      let received = Buffer.alloc(0);
      let serving = false;
      const serve = async (): Promise<void> => {
        if (serving) return;
        serving = true;
        const buf = removeAll(received, QUIT);
        if (waitForResend) await resendSignal;
        let sent = 0;
        for (let i = 0; i < buf.length; i += chunkSize) {
          if (connection.destroyed) break;
          const piece = buf.subarray(i, i + chunkSize);
          connection.write(piece);
          sent += piece.length;
          await pause(1);
        }
        connection.destroy();
        resolve({ received, buf, sent });
      };
      connection.on('data', (data: Buffer) => {
        received = Buffer.concat([received, data]);
        if (received.includes(QUIT)) void serve();
      });
      connection.on('end', () => void serve());
      connection.on('close', () => void serve());
    });
  });
  return { port, finished, resend };
}

/** CPython's echo client. */
class EchoClient extends asynchat.async_chat {
  contents: Buffer[] = [];
  buffer: Buffer = Buffer.alloc(0);

  constructor(terminator: asynchat.Terminator, port: number) {
    super();
    this.create_socket(asyncore.AF_INET, asyncore.SOCK_STREAM);
    this.connect([HOST, port]);
    this.set_terminator(terminator);
    this.buffer = Buffer.alloc(0);
  }

  override handle_connect(): void {}

  override collect_incoming_data(data: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, data]);
  }

  override found_terminator(): void {
    this.contents.push(this.buffer);
    this.buffer = Buffer.alloc(0);
  }
}

const run = (use_poll: boolean): Promise<void> => asyncore.loop({ timeout: 0.01, count: 300, use_poll });

afterEach(() => {
  asyncore.close_all();
});

describe.each([false, true])('CPython test_asynchat (use_poll=%s)', (use_poll) => {
  const data = Buffer.from("hello world, I'm not dead yet!\n");

  describe('T1 line terminators', () => {
    test.each([
      ['\\n', Buffer.from('\n')],
      ['\\r\\n', Buffer.from('\r\n')],
      ['qqq', Buffer.from('qqq')],
    ])('terminator %s with chunk sizes 1, 2, 3', async (_label, term) => {
      for (const chunkSize of [1, 2, 3]) {
        const server = await startEchoServer(chunkSize);
        await pause(10);
        const client = new EchoClient(term, server.port);
        client.push(Buffer.from('hello '));
        client.push(Buffer.concat([Buffer.from('world'), term]));
        client.push(Buffer.concat([Buffer.from("I'm not dead yet!"), term]));
        client.push(QUIT);
        await run(use_poll);
        const { buf } = await server.finished;
        expect(buf).toEqual(Buffer.concat([Buffer.from('hello world'), term, Buffer.from("I'm not dead yet!"), term]));
        expect(client.contents).toEqual([Buffer.from('hello world'), Buffer.from("I'm not dead yet!")]);
      }
    });
  });

  test.each([1, 6])('T2 numeric terminator %i', async (n) => {
    const server = await startEchoServer();
    const client = new EchoClient(n, server.port);
    client.push(data);
    client.push(QUIT);
    await run(use_poll);
    await server.finished;
    expect(client.contents).toEqual([data.subarray(0, n)]);
    expect(client.buffer).toEqual(data.subarray(n));
    expect(client.get_terminator()).toBe(0);
  });

  test('T3 None terminator', async () => {
    const server = await startEchoServer();
    const client = new EchoClient(null, server.port);
    client.push(data);
    client.push(QUIT);
    await run(use_poll);
    await server.finished;
    expect(client.contents).toEqual([]);
    expect(client.buffer).toEqual(data);
  });

  const lines = Buffer.from("hello world\nI'm not dead yet!\n");

  test('T4 simple_producer', async () => {
    const server = await startEchoServer();
    const client = new EchoClient(Buffer.from('\n'), server.port);
    client.push_with_producer(new asynchat.simple_producer(Buffer.concat([lines, QUIT]), 8));
    await run(use_poll);
    await server.finished;
    expect(client.contents).toEqual([Buffer.from('hello world'), Buffer.from("I'm not dead yet!")]);
  });

  test('T5 string producer (bytes pushed as a producer)', async () => {
    const server = await startEchoServer();
    const client = new EchoClient(Buffer.from('\n'), server.port);
    client.push_with_producer(Buffer.concat([lines, QUIT]));
    await run(use_poll);
    await server.finished;
    expect(client.contents).toEqual([Buffer.from('hello world'), Buffer.from("I'm not dead yet!")]);
  });

  test('T6 empty line', async () => {
    const server = await startEchoServer();
    const client = new EchoClient(Buffer.from('\n'), server.port);
    client.push(Buffer.from("hello world\n\nI'm not dead yet!\n"));
    client.push(QUIT);
    await run(use_poll);
    await server.finished;
    expect(client.contents).toEqual([Buffer.from('hello world'), Buffer.alloc(0), Buffer.from("I'm not dead yet!")]);
  });

  test('T7 close_when_done', async () => {
    const server = await startEchoServer(1, true);
    const client = new EchoClient(Buffer.from('\n'), server.port);
    const map = asyncore.socket_map;
    client.push(lines);
    client.push(QUIT);
    client.close_when_done();
    await run(use_poll);
    // The client closed once everything was sent, before ES echoed anything.
    expect(client.connected).toBe(false);
    expect([...map.values()]).not.toContain(client);
    server.resend();
    const { received, buf } = await server.finished;
    expect(received).toEqual(Buffer.concat([lines, QUIT]));
    expect(client.contents).toEqual([]);
    expect(buf.length).toBeGreaterThan(0);
  });

  test('T8 push accepts bytes-like values only', async () => {
    const server = await startEchoServer();
    const client = new EchoClient(Buffer.from('\n'), server.port);
    const bytes = Buffer.from('bytes\n');
    client.push(bytes);
    client.push(new Uint8Array(bytes));
    client.push(new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength) as unknown as Uint8Array);
    const queued = client.producer_fifo.length;
    expect(() => client.push(10 as unknown as Uint8Array)).toThrow(TypeError);
    expect(() => client.push('unicode' as unknown as Uint8Array)).toThrow(TypeError);
    expect(client.producer_fifo.length).toBe(queued);
    client.push(QUIT);
    await run(use_poll);
    await server.finished;
    expect(client.contents).toEqual([Buffer.from('bytes'), Buffer.from('bytes'), Buffer.from('bytes')]);
  });
});

test('T10 BlockingIOError from recv is silent and changes nothing', () => {
  const channel = new (class extends asynchat.async_chat {
    errors = 0;
    override handle_error(): void {
      this.errors += 1;
    }
  })();
  const blocking = Object.assign(new Error('[Errno 11] Resource temporarily unavailable'), {
    code: 'EAGAIN',
    errno: 11,
    name: 'BlockingIOError',
  });
  const mock = {
    fileno: () => 4242,
    recv: () => {
      throw blocking;
    },
    close: () => undefined,
  };
  channel.set_socket(mock as unknown as ChannelSocket);
  channel.set_terminator(Buffer.from('\n'));
  expect(() => channel.handle_read()).not.toThrow();
  expect(channel.errors).toBe(0);
  expect(channel.ac_in_buffer).toEqual(Buffer.alloc(0));
  expect(channel.get_terminator()).toEqual(Buffer.from('\n'));
  channel.close();
});

test('T11 find_prefix_at_end', () => {
  expect(asynchat.find_prefix_at_end('qwerty\r', '\r\n')).toBe(1);
  expect(asynchat.find_prefix_at_end('qwertydkjf', '\r\n')).toBe(0);
  expect(asynchat.find_prefix_at_end(Buffer.from('qwerty\r'), Buffer.from('\r\n'))).toBe(1);
  expect(asynchat.find_prefix_at_end(Buffer.from('qwertydkjf'), Buffer.from('\r\n'))).toBe(0);
});

test('T12 a negative terminator is refused with RangeError', () => {
  const channel = new asynchat.async_chat();
  channel.set_terminator(Buffer.from('\n'));
  expect(() => channel.set_terminator(-1)).toThrow(RangeError);
  expect(() => channel.set_terminator(-1)).toThrow('the number of received bytes must be positive');
  expect(channel.get_terminator()).toEqual(Buffer.from('\n'));
});
