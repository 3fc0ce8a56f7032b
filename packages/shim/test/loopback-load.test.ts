/**
 * The shim under load on real loopback sockets: 200 concurrent clients x 2,000 lines through an
 * echo handler (every byte back, in order, with at most one socket write per read event), a
 * client that resets mid-line (one handle_close, the server goes on), and an exception in
 * found_terminator (that channel closes, the others go on).
 */
import * as net from 'node:net';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';

const NEWLINE = Buffer.from('\n');

class EchoHandler extends asynchat.async_chat {
  static closes = new Map<EchoHandler, number>();
  static readEvents = 0;
  static socketWrites = 0;

  constructor(sock: net.Socket, map: asyncore.SocketMap) {
    super(sock, map);
    this.set_terminator(NEWLINE);
    const nodeSocket = this.socket.nodeSocket as net.Socket;
    const write = nodeSocket.write.bind(nodeSocket) as (chunk: Uint8Array) => boolean;
    nodeSocket.write = ((chunk: Uint8Array) => {
      EchoHandler.socketWrites += 1;
      return write(chunk);
    }) as typeof nodeSocket.write;
  }

  override collect_incoming_data(data: Buffer): void {
    this._collect_incoming_data(data);
  }

  override found_terminator(): void {
    const line = this._get_data();
    if (line.toString() === 'BOOM') throw new Error('found_terminator failed on purpose');
    this.push(Buffer.concat([line, NEWLINE]));
  }

  override handle_read(): void {
    EchoHandler.readEvents += 1;
    super.handle_read();
  }

  override handle_close(): void {
    EchoHandler.closes.set(this, (EchoHandler.closes.get(this) ?? 0) + 1);
    super.handle_close();
  }
}

class EchoServer extends asyncore.dispatcher {
  handlers: EchoHandler[] = [];
  constructor(readonly channels: asyncore.SocketMap) {
    super(null, channels);
    this.create_socket(asyncore.AF_INET, asyncore.SOCK_STREAM);
    this.set_reuse_addr();
    this.bind(['127.0.0.1', 0]);
    this.listen(256);
  }
  get port(): number {
    return (this.socket.getsockname() as [string, number])[1];
  }
  override handle_accepted(sock: net.Socket): void {
    const handler = new EchoHandler(sock, this.channels);
    handler.log_info = () => undefined;
    this.handlers.push(handler);
  }
}

/** Sends `payload` (in pieces), reads until `expectedLength` bytes came back, then ends. */
function echoClient(port: number, payload: Buffer, expectedLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let length = 0;
    socket.on('data', (data: Buffer) => {
      received.push(data);
      length += data.length;
      if (length >= expectedLength) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('connect', () => {
      for (let i = 0; i < payload.length; i += 4096) socket.write(payload.subarray(i, i + 4096));
    });
  });
}

function withDeadline<T>(promise: Promise<T>, seconds: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${seconds} s`)), seconds * 1000);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

test('200 concurrent clients x 2,000 lines are echoed byte for byte, in order', async () => {
  const map = new Map<number, asyncore.dispatcher>();
  const server = new EchoServer(map);
  EchoHandler.readEvents = 0;
  EchoHandler.socketWrites = 0;
  const serving = asyncore.loop({ timeout: 0.05, map });
  const payloads = Array.from({ length: 200 }, (_, client) =>
    Buffer.from(Array.from({ length: 2000 }, (_, line) => `c${client}:${line}:${'x'.repeat((client + line) % 11)}\n`).join('')),
  );
  const started = Date.now();
  const replies = await withDeadline(
    Promise.all(payloads.map((payload) => echoClient(server.port, payload, payload.length))),
    20,
    'the echo load',
  );
  server.close();
  await withDeadline(serving, 5, 'the loop');
  for (let client = 0; client < payloads.length; client++) expect(replies[client].equals(payloads[client])).toBe(true);
  expect(server.handlers).toHaveLength(200);
  expect(map.size).toBe(0);
  expect(EchoHandler.socketWrites).toBeLessThanOrEqual(EchoHandler.readEvents);
  expect(Date.now() - started).toBeLessThan(15000);
}, 30000);

test('a client reset mid-line gives one handle_close, and the server goes on', async () => {
  const map = new Map<number, asyncore.dispatcher>();
  const server = new EchoServer(map);
  const serving = asyncore.loop({ timeout: 0.02, map });
  const resetter = net.connect(server.port, '127.0.0.1');
  resetter.on('error', () => undefined);
  await new Promise<void>((resolve) => resetter.on('connect', resolve));
  resetter.write('complete line\nhalf a li');
  await new Promise<void>((resolve) => resetter.once('data', () => resolve()));
  resetter.resetAndDestroy();
  const deadline = Date.now() + 5000;
  while ((server.handlers[0] === undefined || server.handlers[0].connected) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  const [resetHandler] = server.handlers;
  expect(resetHandler.connected).toBe(false);
  const payload = Buffer.from('still here\nand here\n');
  const reply = await withDeadline(echoClient(server.port, payload, payload.length), 5, 'the next client');
  expect(reply.toString()).toBe(payload.toString());
  expect(EchoHandler.closes.get(resetHandler)).toBe(1);
  server.close();
  await withDeadline(serving, 5, 'the loop');
});

test('an exception in found_terminator closes that channel only', async () => {
  const map = new Map<number, asyncore.dispatcher>();
  const server = new EchoServer(map);
  const serving = asyncore.loop({ timeout: 0.02, map });
  const logged: string[] = [];
  const failing = new Promise<Buffer>((resolve) => {
    const socket = net.connect(server.port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (data: Buffer) => received.push(data));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('connect', () => {
      socket.write('first\n');
      setTimeout(() => {
        const handler = server.handlers[0];
        handler.log_info = (message: unknown, type = 'info') => void logged.push(`${type}: ${String(message)}`);
        socket.write('BOOM\nnever echoed\n');
      }, 50);
    });
  });
  const healthy = echoClient(server.port, Buffer.from('one\ntwo\n'), 8);
  const [failedReply, healthyReply] = await withDeadline(Promise.all([failing, healthy]), 5, 'the clients');
  expect(failedReply.toString()).toBe('first\n');
  expect(healthyReply.toString()).toBe('one\ntwo\n');
  expect(logged).toHaveLength(1);
  expect(logged[0]).toMatch(/^error: uncaptured python exception, closing channel <EchoHandler connected 127\.0\.0\.1:\d+ at 0x[0-9a-f]+> \(Error:found_terminator failed on purpose \[/);
  server.close();
  await withDeadline(serving, 5, 'the loop');
});
