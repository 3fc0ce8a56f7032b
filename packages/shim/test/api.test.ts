/**
 * The rest of the surface (sections 1.2-1.10 of the semantics reference): output queue and
 * producers, terminators, logging, repr, dispatcher_with_send, the loop's bounds and options,
 * ExitNow, close_all, addresses after bind(port 0), readable() back-pressure, failed connects,
 * UNIX sockets.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import * as shim from '@asynchat/shim';
import { FIND_PREFIX_AT_END_CASES } from '../../streams/test/support/prefix-at-end-cases';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A channel with a scripted send(), connected, outside any map. */
class Sender extends asynchat.async_chat {
  sent: string[] = [];
  caps: number[] = [];
  constructor() {
    super(null, new Map());
    this.connected = true;
  }
  override send(data: Uint8Array): number {
    this.sent.push(Buffer.from(data).toString('latin1'));
    const cap = this.caps.shift();
    return cap === undefined ? data.length : Math.min(cap, data.length);
  }
}

afterEach(() => asyncore.close_all());

describe('output queue', () => {
  test('push sends at once, at most one send() per initiate_send', () => {
    const channel = new Sender();
    channel.push(bytes('one'));
    channel.push(bytes('two'));
    expect(channel.sent).toEqual(['one', 'two']);
    expect(channel.writable()).toBe(false);
  });

  test('push of more than ac_out_buffer_size is queued as slices, one per write event', () => {
    const channel = new Sender();
    channel.ac_out_buffer_size = 4;
    channel.push(bytes('abcdefghij'));
    expect(channel.sent).toEqual(['abcd']);
    asyncore.write(channel);
    asyncore.write(channel);
    expect(channel.sent).toEqual(['abcd', 'efgh', 'ij']);
  });

  test('while not connected, data stays queued (the object itself) and writable() is true', () => {
    const channel = new asynchat.async_chat(null, new Map());
    const data = new Uint8Array([1, 2, 3]);
    channel.push(data);
    expect(channel.producer_fifo.length).toBe(1);
    expect(channel.producer_fifo.at(0)).toBe(data);
    expect(channel.writable()).toBe(true);
  });

  test('a partial send keeps the unsent tail at the head; 0 leaves the queue unchanged', () => {
    const channel = new Sender();
    channel.caps = [2, 0];
    channel.push(bytes('abcdef'));
    asyncore.write(channel);
    expect(channel.sent).toEqual(['abcdef', 'cdef']);
    expect(Buffer.from(channel.producer_fifo.at(0) as Uint8Array).toString()).toBe('cdef');
    asyncore.write(channel);
    expect(channel.sent).toEqual(['abcdef', 'cdef', 'cdef']);
    expect(channel.producer_fifo.length).toBe(0);
  });

  test('push(empty) calls send(empty) and leaves what follows for the next write event', () => {
    const channel = new Sender();
    channel.connected = false;
    channel.push(bytes(''));
    channel.push(bytes('x'));
    channel.connected = true;
    channel.initiate_send();
    expect(channel.sent).toEqual(['']);
    asyncore.write(channel);
    expect(channel.sent).toEqual(['', 'x']);
  });

  test('push of a string or a number throws TypeError, carrying the value', () => {
    const channel = new Sender();
    expect(() => channel.push('text' as unknown as Uint8Array)).toThrow(/data argument must be byte-ish \(string "text"\)/);
    expect(() => channel.push(10 as unknown as Uint8Array)).toThrow(TypeError);
    expect(channel.producer_fifo.length).toBe(0);
  });

  test('producers: more() is called lazily, its chunks go in front; str chunks reach send() as str without use_encoding', () => {
    const channel = new Sender();
    const types: string[] = [];
    const send = channel.send.bind(channel);
    channel.send = (data: Uint8Array) => {
      types.push(typeof data);
      return send(data);
    };
    let calls = 0;
    channel.push_with_producer({ more: () => (++calls <= 2 ? `p${calls}` : '') });
    expect(calls).toBe(1);
    expect(channel.sent).toEqual(['p1']);
    asyncore.write(channel);
    expect(calls).toBe(2);
    asyncore.write(channel);
    expect(calls).toBe(3);
    expect(channel.producer_fifo.length).toBe(0);
    expect(channel.sent).toEqual(['p1', 'p2']);
    expect(types).toEqual(['string', 'string']);
  });

  test('a str chunk without use_encoding fails in the real socket send with TypeError, as in Python', () => {
    const channel = new asynchat.async_chat(null, new Map());
    channel.create_socket();
    channel.connected = true;
    expect(() => channel.push_with_producer({ more: () => 'text' })).toThrow(TypeError);
    channel.close();
  });

  test('use_encoding=1 encodes producer strings with encoding', () => {
    const channel = new Sender();
    channel.use_encoding = 1;
    let served = false;
    channel.push_with_producer({ more: () => (served ? '' : ((served = true), 'é!')) });
    expect(channel.sent).toEqual(['é!']);
  });

  test('close_when_done closes on the next write event once the queue is empty; later pushes are never sent', () => {
    const channel = new Sender();
    let closes = 0;
    channel.handle_close = () => {
      closes += 1;
      channel.close();
    };
    channel.push(bytes('last'));
    channel.close_when_done();
    expect(closes).toBe(0);
    asyncore.write(channel);
    expect(closes).toBe(1);
    channel.push(bytes('after'));
    expect(channel.sent).toEqual(['last']);
  });

  test('discard_buffers drops input, incoming and the queue including the close marker', () => {
    const channel = new Sender();
    channel.connected = false;
    channel.push(bytes('queued'));
    channel.close_when_done();
    channel.ac_in_buffer = bytes('\r');
    channel.incoming.push(bytes('x'));
    channel.discard_buffers();
    expect(channel.producer_fifo.length).toBe(0);
    expect(channel.ac_in_buffer.length).toBe(0);
    expect(channel.incoming).toEqual([]);
  });

  test('_collect_incoming_data / _get_data join and reset', () => {
    const channel = new asynchat.async_chat(null, new Map());
    channel._collect_incoming_data(bytes('ab'));
    channel._collect_incoming_data(bytes('cd'));
    expect(channel._get_data()).toEqual(bytes('abcd'));
    expect(channel._get_data()).toEqual(bytes(''));
  });
});

describe('simple_producer and find_prefix_at_end', () => {
  test('simple_producer hands out buffer_size pieces, then empty', () => {
    const pieces = (producer: asynchat.simple_producer, count: number): number[] =>
      Array.from({ length: count }, () => producer.more().length);
    expect(pieces(new asynchat.simple_producer(Buffer.alloc(1300)), 4)).toEqual([512, 512, 276, 0]);
    const small = new asynchat.simple_producer(bytes('abcdefghij'), 4);
    expect([small.more(), small.more(), small.more(), small.more()].map((piece) => Buffer.from(piece as Uint8Array).toString())).toEqual([
      'abcd',
      'efgh',
      'ij',
      '',
    ]);
  });

  test.each([...FIND_PREFIX_AT_END_CASES, ['abc', '', -1] as const])('find_prefix_at_end(%j, %j) is %i for bytes and strings', (haystack, needle, expected) => {
    expect(asynchat.find_prefix_at_end(bytes(haystack), bytes(needle))).toBe(expected);
    expect(asynchat.find_prefix_at_end(haystack, needle)).toBe(expected);
  });
});

describe('terminators', () => {
  test('a string terminator is encoded with this.encoding when set (extension)', () => {
    const channel = new asynchat.async_chat(null, new Map());
    channel.set_terminator('\r\n');
    expect(channel.get_terminator()).toEqual(bytes('\r\n'));
    channel.encoding = 'utf-8';
    channel.set_terminator('€');
    expect(channel.get_terminator()).toEqual(Buffer.from('€', 'utf8'));
    channel.encoding = 'latin-1';
    expect(() => channel.set_terminator('€')).toThrow(expect.objectContaining({ name: 'UnicodeEncodeError' }));
    expect(channel.get_terminator()).toEqual(Buffer.from('€', 'utf8'));
  });

  test('reading before set_terminator fails with AttributeError (routed to handle_error by the loop)', () => {
    const channel = new asynchat.async_chat(null, new Map());
    expect(() => channel.get_terminator()).toThrow(expect.objectContaining({ name: 'AttributeError' }));
  });

  test('a float terminator is stored and fails at read time with TypeError', () => {
    const channel = new (class extends asynchat.async_chat {
      override recv(): Buffer {
        return bytes('abc');
      }
      override collect_incoming_data(): void {}
    })(null, new Map());
    channel.set_terminator(2.5);
    expect(channel.get_terminator()).toBe(2.5);
    expect(() => channel.handle_read()).toThrow(TypeError);
  });

  test('class-level defaults can be overridden by a field or on the prototype', () => {
    class Small extends asynchat.async_chat {
      override ac_in_buffer_size = 4096;
    }
    class Prototype extends asynchat.async_chat {}
    Prototype.prototype.ac_out_buffer_size = 512;
    expect(new Small(null, new Map()).ac_in_buffer_size).toBe(4096);
    expect(new Prototype(null, new Map()).ac_out_buffer_size).toBe(512);
    expect(new asynchat.async_chat(null, new Map()).ac_in_buffer_size).toBe(65536);
    expect(new asynchat.async_chat(null, new Map()).encoding).toBe('latin-1');
  });
});

describe('logging and repr', () => {
  test('log writes to stderr; log_info to stdout unless the type is ignored', () => {
    const channel = new asyncore.dispatcher(null, new Map());
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      channel.log('hello');
      channel.log_info('note');
      channel.log_info('hidden', 'warning');
      channel.handle_read();
      channel.ignore_log_types = new Set();
      channel.log_info('shown', 'warning');
      expect(stderr.mock.calls.map((call) => call[0])).toEqual(['log: hello\n']);
      expect(stdout.mock.calls.map((call) => call[0])).toEqual(['info: note\n', 'warning: shown\n']);
    } finally {
      stderr.mockRestore();
      stdout.mockRestore();
    }
  });

  test('repr names the class, listening/connected and the address', () => {
    const listener = new asyncore.dispatcher(null, new Map());
    listener.create_socket();
    listener.bind(['127.0.0.1', 0]);
    listener.listen(5);
    expect(listener.__repr__()).toMatch(/^<dispatcher listening 127\.0\.0\.1:0 at 0x[0-9a-f]+>$/);
    expect(String(listener)).toBe(listener.__repr__());
    listener.close();
    const idle = new asyncore.dispatcher(null, new Map());
    expect(idle.__repr__()).toMatch(/^<dispatcher at 0x[0-9a-f]+>$/);
  });
});

describe('sockets and the loop', () => {
  class Listener extends asyncore.dispatcher {
    accepted: [net.Socket, asyncore.Address][] = [];
    constructor(map: asyncore.SocketMap, readonly onAccept?: (sock: net.Socket) => void) {
      super(null, map);
      this.create_socket(asyncore.AF_INET, asyncore.SOCK_STREAM);
      this.set_reuse_addr();
      this.bind(['127.0.0.1', 0]);
      this.listen(5);
    }
    override handle_accepted(sock: net.Socket, addr: asyncore.Address): void {
      this.accepted.push([sock, addr]);
      if (this.onAccept) this.onAccept(sock);
      else super.handle_accepted(sock, addr);
    }
  }

  test('getsockname() tells the real port right after bind + listen; addr keeps the requested one', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    const listener = new Listener(map);
    const [host, port] = listener.socket.getsockname() as [string, number];
    expect(host).toBe('127.0.0.1');
    expect(port).toBeGreaterThan(0);
    expect(listener.addr).toEqual(['127.0.0.1', 0]);
    expect(listener.socket.getsockopt(1, 2)).toBe(1);
    const client = net.connect(port, '127.0.0.1');
    const clientPort = new Promise<number | undefined>((resolve) => client.on('connect', () => resolve(client.localPort)));
    const closed = new Promise((resolve) => client.on('close', resolve));
    await asyncore.loop({ timeout: 0.01, count: 50, map });
    expect(listener.accepted).toHaveLength(1);
    const [sock, addr] = listener.accepted[0];
    expect(sock).toBeInstanceOf(net.Socket);
    expect(addr).toEqual(['127.0.0.1', await clientPort]);
    await closed; // the default handle_accepted closed it
    listener.close();
  });

  test('handle_connect runs with connected still false; handle_accepted sockets become handlers', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    const events: string[] = [];
    class Line extends asynchat.async_chat {
      constructor(sock: net.Socket) {
        super(sock, map);
        this.set_terminator(bytes('\n'));
        events.push(`server peer ${JSON.stringify(this.addr)}`);
      }
      override collect_incoming_data(data: Buffer): void {
        this._collect_incoming_data(data);
      }
      override found_terminator(): void {
        events.push(`server got ${this._get_data().toString()}`);
        this.push(bytes('pong\n'));
        this.close_when_done();
      }
    }
    const listener = new Listener(map, (sock) => void new Line(sock));
    class Client extends asynchat.async_chat {
      constructor(port: number) {
        super(null, map);
        this.create_socket();
        this.connect(['127.0.0.1', port]);
        this.set_terminator(bytes('\n'));
        this.push(bytes('ping\n'));
      }
      override handle_connect(): void {
        events.push(`connect connected=${this.connected} connecting=${this.connecting}`);
      }
      override collect_incoming_data(data: Buffer): void {
        this._collect_incoming_data(data);
      }
      override found_terminator(): void {
        events.push(`client got ${this._get_data().toString()}`);
      }
      override handle_close(): void {
        events.push('client close');
        listener.close();
        super.handle_close();
      }
    }
    const client = new Client((listener.socket.getsockname() as [string, number])[1]);
    expect(client.connecting).toBe(true);
    await asyncore.loop({ timeout: 0.01, count: 200, map });
    expect(events).toContain('connect connected=false connecting=true');
    expect(events.filter((event) => event !== 'connect connected=false connecting=true')).toEqual([
      expect.stringMatching(/^server peer \["127\.0\.0\.1",\d+\]$/),
      'server got ping',
      'client got pong',
      'client close',
    ]);
    expect(client.connected).toBe(false);
    expect(map.size).toBe(0);
  });

  test('a refused connect reaches handle_error (logged) and closes the channel', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const logged: string[] = [];
    const client = new asynchat.async_chat(null, map);
    client.log_info = (message: unknown, type = 'info') => void logged.push(`${type}: ${String(message)}`);
    client.create_socket();
    client.connect(['127.0.0.1', port]);
    await asyncore.loop({ timeout: 0.01, count: 100, map });
    expect(map.size).toBe(0);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatch(/^error: uncaptured python exception, closing channel <async_chat 127\.0\.0\.1:\d+ at 0x[0-9a-f]+> \(OSError:\[Errno 111\] connection refused/);
  });

  test('readable() false stops reading (the Node socket pauses) until it is true again', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    const seen: string[] = [];
    let handler: Gated | undefined;
    class Gated extends asynchat.async_chat {
      open = false;
      constructor(sock: net.Socket) {
        super(sock, map);
        this.set_terminator(bytes('\n'));
      }
      override readable(): boolean {
        return this.open;
      }
      override collect_incoming_data(data: Buffer): void {
        this._collect_incoming_data(data);
      }
      override found_terminator(): void {
        seen.push(this._get_data().toString());
      }
    }
    const listener = new Listener(map, (sock) => void (handler = new Gated(sock)));
    const client = net.connect((listener.socket.getsockname() as [string, number])[1], '127.0.0.1');
    client.write('a\nb\n');
    await asyncore.loop({ timeout: 0.01, count: 30, map });
    expect(handler).toBeDefined();
    expect(seen).toEqual([]);
    expect(handler?.socket.nodeSocket?.isPaused()).toBe(true);
    (handler as Gated).open = true;
    await asyncore.loop({ timeout: 0.01, count: 30, map });
    expect(seen).toEqual(['a', 'b']);
    client.destroy();
    listener.close();
  });

  test('loop() with count and timeout returns after count rounds of at most timeout seconds', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    const idle = new (class extends asyncore.dispatcher {
      override readable(): boolean {
        return false;
      }
      override writable(): boolean {
        return false;
      }
    })(null, map);
    idle.create_socket();
    const started = Date.now();
    await asyncore.loop({ timeout: 0.01, count: 30, map });
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(250);
    expect(elapsed).toBeLessThan(3000);
    const positional = Date.now();
    await asyncore.loop(0.01, true, map, 5);
    expect(Date.now() - positional).toBeLessThan(2000);
    expect(map.size).toBe(1);
    idle.close();
    await asyncore.loop(); // empty default map: resolves at once
  });

  test('ExitNow leaves the loop (its Promise rejects) instead of reaching handle_error', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    let errors = 0;
    const quitter = new (class extends asyncore.dispatcher {
      override handle_write(): void {
        throw new asyncore.ExitNow('stop');
      }
      override handle_error(): void {
        errors += 1;
      }
    })(null, map);
    quitter.create_socket();
    await expect(asyncore.loop({ timeout: 0.01, count: 10, map })).rejects.toBeInstanceOf(asyncore.ExitNow);
    expect(errors).toBe(0);
    quitter.close();
  });

  test('close_all closes every channel and clears the map; close() is idempotent', () => {
    const map: Record<number, asyncore.dispatcher> = {};
    const first = new asyncore.dispatcher(null, map);
    first.create_socket();
    const second = new asyncore.dispatcher(null, map);
    second.create_socket();
    expect(Object.keys(map)).toHaveLength(2);
    asyncore.close_all(map);
    expect(Object.keys(map)).toHaveLength(0);
    expect(first.connected || first.accepting || first.connecting).toBe(false);
    expect(() => second.close()).not.toThrow();
  });

  test('dispatcher_with_send delivers what send() buffered', async () => {
    const map = new Map<number, asyncore.dispatcher>();
    const received: Buffer[] = [];
    const server = net.createServer((socket) => {
      socket.on('data', (data) => received.push(data));
      socket.on('end', () => socket.end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const client = new (class extends asyncore.dispatcher_with_send {
      override handle_connect(): void {
        this.send(bytes('hello '));
        this.send(bytes('world'));
      }
      override handle_read(): void {
        this.recv(100);
      }
      override handle_close(): void {
        this.close();
      }
    })(null, map);
    client.create_socket();
    client.connect(['127.0.0.1', (server.address() as net.AddressInfo).port]);
    for (let i = 0; i < 100 && Buffer.concat(received).length < 11; i++) await asyncore.loop({ timeout: 0.01, count: 1, map });
    expect(Buffer.concat(received).toString()).toBe('hello world');
    expect(client.out_buffer.length).toBe(0);
    client.close();
    await new Promise((resolve) => server.close(resolve));
  });

  test('AF_UNIX: bind to a path, connect, echo; getsockname returns the path', async () => {
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-shim-'));
    const socketPath = path.join(directory, 'echo.sock');
    const map = new Map<number, asyncore.dispatcher>();
    const replies: string[] = [];
    class Echo extends asynchat.async_chat {
      constructor(sock: net.Socket) {
        super(sock, map);
        this.set_terminator(bytes('\n'));
      }
      override collect_incoming_data(data: Buffer): void {
        this._collect_incoming_data(data);
      }
      override found_terminator(): void {
        this.push(Buffer.concat([this._get_data(), bytes('\n')]));
      }
    }
    const listener = new (class extends asyncore.dispatcher {
      override handle_accepted(sock: net.Socket): void {
        new Echo(sock);
      }
    })(null, map);
    listener.create_socket(asyncore.AF_UNIX, asyncore.SOCK_STREAM);
    listener.bind(socketPath);
    listener.listen(5);
    expect(listener.socket.getsockname()).toBe(socketPath);
    const client = new (class extends asynchat.async_chat {
      override collect_incoming_data(data: Buffer): void {
        this._collect_incoming_data(data);
      }
      override found_terminator(): void {
        replies.push(this._get_data().toString());
        this.close();
        listener.close();
      }
    })(null, map);
    client.create_socket(asyncore.AF_UNIX);
    client.connect(socketPath);
    client.set_terminator(bytes('\n'));
    client.push(bytes('over a unix socket\n'));
    await asyncore.loop({ timeout: 0.01, count: 200, map });
    expect(replies).toEqual(['over a unix socket']);
    asyncore.close_all(map);
    fs.rmSync(directory, { recursive: true, force: true });
  });

  test('the root entry exports the same objects as the per-module entries', () => {
    expect(shim.async_chat).toBe(asynchat.async_chat);
    expect(shim.simple_producer).toBe(asynchat.simple_producer);
    expect(shim.find_prefix_at_end).toBe(asynchat.find_prefix_at_end);
    expect(shim.dispatcher).toBe(asyncore.dispatcher);
    expect(shim.socket_map).toBe(asyncore.socket_map);
    expect([shim.AF_INET, shim.AF_INET6, shim.AF_UNIX, shim.SOCK_STREAM]).toEqual([2, 10, 1, 1]);
  });
});

void pause;
