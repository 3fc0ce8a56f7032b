/**
 * Handlers that return Promises (`async found_terminator()`, common in Node code): a rejection is
 * that channel's error, handled as a thrown one (`handle_error`: logged, channel closed), never an
 * unhandled rejection that ends the process. Over real loopback, with a second connection that
 * keeps working; `ExitNow` and a failing `handle_error` leave the loop, as their synchronous
 * throws do; and in a plain node process against dist/, the process survives.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';

const NEWLINE = Buffer.from('\n');

/** How the handler fails on a `BOOM` line. */
type Failure = 'async found_terminator' | 'async collect_incoming_data' | 'ExitNow' | 'failing handle_error';

class AsyncEchoHandler extends asynchat.async_chat {
  static failure: Failure = 'async found_terminator';
  readonly errors: unknown[] = [];
  readonly logged: string[] = [];

  constructor(sock: net.Socket, map: asyncore.SocketMap) {
    super(sock, map);
    this.set_terminator(NEWLINE);
  }

  override log_info(message: unknown, type = 'info'): void {
    this.logged.push(`${type}: ${String(message)}`);
  }

  // Typed as the base class declares it (void); at run time it returns a Promise, as a user's
  // `async collect_incoming_data` would.
  override collect_incoming_data(data: Buffer): void {
    if (AsyncEchoHandler.failure === 'async collect_incoming_data' && data.toString() === 'BOOM') {
      return Promise.reject(new Error('collect_incoming_data failed on purpose')) as unknown as void;
    }
    this._collect_incoming_data(data);
  }

  override async found_terminator(): Promise<void> {
    const line = this._get_data();
    // A real await first: the rejection comes later, outside the loop's round.
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (line.toString() === 'BOOM') {
      if (AsyncEchoHandler.failure === 'ExitNow') throw new asyncore.ExitNow('leave the loop');
      throw new Error('found_terminator failed on purpose');
    }
    this.push(Buffer.concat([line, NEWLINE]));
  }

  override handle_error(error?: unknown): void {
    this.errors.push(error);
    if (AsyncEchoHandler.failure === 'failing handle_error') {
      return Promise.reject(new Error('handle_error failed too')) as unknown as void;
    }
    super.handle_error(error);
  }
}

class Server extends asyncore.dispatcher {
  readonly handlers: AsyncEchoHandler[] = [];
  constructor(readonly channels: asyncore.SocketMap) {
    super(null, channels);
    this.create_socket(asyncore.AF_INET, asyncore.SOCK_STREAM);
    this.bind(['127.0.0.1', 0]);
    this.listen(16);
  }
  get port(): number {
    return (this.socket.getsockname() as [string, number])[1];
  }
  override handle_accepted(sock: net.Socket): void {
    this.handlers.push(new AsyncEchoHandler(sock, this.channels));
  }
}

/** A line client: `send` writes, `line()` waits for the next reply line, `closed` on EOF. */
class Client {
  readonly socket: net.Socket;
  readonly connected: Promise<void>;
  readonly closed: Promise<void>;
  private buffered = '';
  private waiting: (() => void) | null = null;

  constructor(port: number) {
    this.socket = net.connect(port, '127.0.0.1');
    this.socket.setEncoding('latin1');
    this.socket.on('error', () => undefined);
    this.connected = new Promise((resolve) => this.socket.once('connect', () => resolve()));
    this.closed = new Promise((resolve) => this.socket.once('close', () => resolve()));
    this.socket.on('data', (text: string) => {
      this.buffered += text;
      this.waiting?.();
    });
  }

  async line(): Promise<string> {
    while (!this.buffered.includes('\n')) await new Promise<void>((resolve) => (this.waiting = resolve));
    const end = this.buffered.indexOf('\n');
    const line = this.buffered.slice(0, end);
    this.buffered = this.buffered.slice(end + 1);
    return line;
  }
}

function withDeadline<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

let map: Map<number, asyncore.dispatcher>;
let server: Server;
let serving: Promise<void>;

beforeEach(() => {
  map = new Map();
  server = new Server(map);
  serving = asyncore.loop({ timeout: 0.02, map });
});

afterEach(async () => {
  asyncore.close_all(map, true);
  await withDeadline(serving.catch(() => undefined), 5, 'the loop');
});

test.each<[Failure, RegExp]>([
  ['async found_terminator', /\(Error:found_terminator failed on purpose \[/],
  ['async collect_incoming_data', /\(Error:collect_incoming_data failed on purpose \[/],
])('a rejected %s is that channel’s handle_error; the other connection keeps working', async (failure, logged) => {
  AsyncEchoHandler.failure = failure;
  const healthy = new Client(server.port);
  const failing = new Client(server.port);
  await Promise.all([healthy.connected, failing.connected]);

  healthy.socket.write('one\n');
  expect(await withDeadline(healthy.line(), 5, 'the first reply')).toBe('one');
  failing.socket.write('first\n');
  expect(await withDeadline(failing.line(), 5, 'the failing client’s first reply')).toBe('first');

  failing.socket.write('BOOM\nnever echoed\n');
  await withDeadline(failing.closed, 5, 'the failing channel’s close');

  const failed = server.handlers[1];
  expect(failed.errors).toHaveLength(1);
  expect(failed.errors[0]).toBeInstanceOf(Error);
  expect(failed.connected).toBe(false);
  // handle_error's behaviour: CPython's log line, then handle_close.
  expect(failed.logged).toHaveLength(1);
  expect(failed.logged[0]).toMatch(/^error: uncaptured python exception, closing channel <AsyncEchoHandler connected 127\.0\.0\.1:\d+ at 0x[0-9a-f]+> /);
  expect(failed.logged[0]).toMatch(logged);

  healthy.socket.write('two\n');
  expect(await withDeadline(healthy.line(), 5, 'the reply after the failure')).toBe('two');
  expect(server.handlers[0].errors).toEqual([]);
  expect(server.handlers[0].connected).toBe(true);
  healthy.socket.end();
  await withDeadline(healthy.closed, 5, 'the healthy client’s close');
});

test('an async found_terminator rejecting with ExitNow leaves the loop, as a thrown ExitNow does', async () => {
  AsyncEchoHandler.failure = 'ExitNow';
  const client = new Client(server.port);
  await client.connected;
  client.socket.write('BOOM\n');
  await expect(withDeadline(serving, 5, 'the loop')).rejects.toThrow('leave the loop');
  expect(server.handlers[0].errors).toEqual([]);
  client.socket.destroy();
});

test('a handle_error whose Promise rejects leaves the loop (as its throw does) instead of looping', async () => {
  AsyncEchoHandler.failure = 'failing handle_error';
  const client = new Client(server.port);
  await client.connected;
  client.socket.write('BOOM\n');
  await expect(withDeadline(serving, 5, 'the loop')).rejects.toThrow('handle_error failed too');
  expect(server.handlers[0].errors).toHaveLength(1);
  client.socket.destroy();
});

test('a plain node process against dist/ survives the rejection and serves the other connection', () => {
  const root = path.resolve(__dirname, '../../..');
  // `pnpm test` builds first; build here too so that this file also runs on its own.
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-b', 'packages/shim'], { cwd: root });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asynchat-shim-async-'));
  try {
    const script = path.join(dir, 'server.cjs');
    fs.writeFileSync(
      script,
      `const net = require('node:net');
const { async_chat, dispatcher, loop, AF_INET, SOCK_STREAM } = require(${JSON.stringify(path.join(root, 'packages/shim/dist/index.js'))});
class Handler extends async_chat {
  constructor(sock, map) { super(sock, map); this.set_terminator(Buffer.from('\\n')); }
  collect_incoming_data(data) { this._collect_incoming_data(data); }
  async found_terminator() {
    const line = this._get_data().toString();
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (line === 'BOOM') throw new Error('async failure');
    this.push(Buffer.from(line + '\\n'));
  }
  log_info(message, type) { if (type === 'error') console.log('handle_error: ' + String(message).split(' (')[1].split(' ')[0]); }
}
class Server extends dispatcher {
  constructor(map) { super(null, map); this.create_socket(AF_INET, SOCK_STREAM); this.bind(['127.0.0.1', 0]); this.listen(5); }
  handle_accepted(sock) { new Handler(sock, this._map); }
}
const map = new Map();
const server = new Server(map);
const port = server.socket.getsockname()[1];
const serving = loop({ timeout: 0.02, map });
const ask = (socket, text) => new Promise((resolve) => { socket.once('data', (d) => resolve(d.toString())); socket.write(text); });
(async () => {
  const healthy = net.connect(port, '127.0.0.1');
  await new Promise((resolve) => healthy.once('connect', resolve));
  const failing = net.connect(port, '127.0.0.1');
  failing.on('error', () => {});
  await new Promise((resolve) => failing.once('connect', resolve));
  failing.write('BOOM\\n');
  await new Promise((resolve) => failing.once('close', resolve));
  await new Promise((resolve) => setTimeout(resolve, 50));
  console.log('after: ' + (await ask(healthy, 'still here\\n')).trim());
  healthy.destroy();
  server.close();
  for (const channel of map.values()) channel.close();
  await serving;
  console.log('loop done');
})();
`,
    );
    const result = spawnSync(process.execPath, ['--no-deprecation', script], { encoding: 'utf8', timeout: 20000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.split('\n')).toEqual(['handle_error: Error:async', 'after: still here', 'loop done', '']);
    expect(result.status).toBe(0);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}, 60000);
