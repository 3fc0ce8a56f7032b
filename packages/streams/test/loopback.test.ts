import * as net from 'node:net';
import {
  ConnectionResetError,
  fromSocket,
  IncompleteReadError,
  openConnection,
  startServer,
  type Server,
  type StreamReader,
  type StreamWriter,
} from '@asynchat/streams';

/** Real sockets on 127.0.0.1, port 0. Every server is closed after its test. */
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    server.abortClients();
    await server.waitClosed();
  }
});

async function serve(
  handler: (reader: StreamReader, writer: StreamWriter) => void | Promise<void>,
  options: Parameters<typeof startServer>[1] = {},
): Promise<{ server: Server; port: number }> {
  const server = await startServer(handler, { host: '127.0.0.1', port: 0, ...options });
  servers.push(server);
  return { server, port: server.address().port };
}

/** The line echo of the codemod's output shape. */
const echoLines = async (reader: StreamReader, writer: StreamWriter): Promise<void> => {
  for await (const message of reader.frames('\r\n', { partial: 'drop' })) {
    writer.write(message);
    writer.write('\r\n');
    await writer.drain();
  }
  writer.close();
};

test('200 concurrent clients x 2,000 lines each: every byte comes back, in order', async () => {
  const { port } = await serve(echoLines);
  const clients = 200;
  const linesPerClient = 2000;
  const runClient = async (client: number): Promise<void> => {
    const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
    const lines: string[] = [];
    for (let i = 0; i < linesPerClient; i++) lines.push(`client ${client} line ${i} ${'x'.repeat(i % 13)}`);
    const payload = Buffer.from(lines.join('\r\n') + '\r\n');
    // Large writes of uneven sizes, so frames straddle chunk boundaries.
    for (let offset = 0; offset < payload.length; offset += 7777) {
      writer.write(payload.subarray(offset, offset + 7777));
      await writer.drain();
    }
    writer.writeEof();
    const echoed = await reader.read();
    expect(echoed.length).toBe(payload.length);
    expect(echoed.equals(payload)).toBe(true);
    await writer.waitClosed();
  };
  await Promise.all(Array.from({ length: clients }, (_, client) => runClient(client)));
}, 30000);

test('a peer that resets mid-frame gives a ConnectionResetError on that connection only', async () => {
  const outcomes: unknown[] = [];
  const { port } = await serve(async (reader, writer) => {
    try {
      for await (const message of reader.frames('\n')) {
        writer.write(message);
        writer.write('\n');
      }
      outcomes.push('eof');
    } catch (error) {
      outcomes.push(error);
    }
    writer.close();
  });

  const healthy = await openConnection({ host: '127.0.0.1', port });
  const resetting = await openConnection({ host: '127.0.0.1', port });
  resetting.writer.write('complete\nhalf a fra');
  // Wait until the server has the complete frame, so the reset lands mid-frame.
  await new Promise((resolve) => setTimeout(resolve, 50));
  resetting.writer.socket.resetAndDestroy();
  await new Promise((resolve) => setTimeout(resolve, 50));

  healthy.writer.write('still\nworking\n');
  healthy.writer.writeEof();
  expect((await healthy.reader.read()).toString()).toBe('still\nworking\n');
  await new Promise((resolve) => setTimeout(resolve, 20));

  const resetError = outcomes.find((outcome) => outcome instanceof Error) as ConnectionResetError;
  expect(resetError).toBeInstanceOf(ConnectionResetError);
  expect(resetError.code).toBe('ECONNRESET');
  expect(resetError.message).toMatch(/connection lost \(ECONNRESET/);
  expect(resetError.message).toMatch(/10 bytes of unfinished input/);
  expect(outcomes.filter((outcome) => outcome === 'eof')).toHaveLength(1);
});

test('a handler that throws or rejects is reported, its connection closed, and the server goes on', async () => {
  const reported: unknown[] = [];
  const { port } = await serve(
    async (reader, writer) => {
      const command = (await reader.readFrame('\n'))?.toString();
      if (command === 'reject') throw new Error('handler rejected');
      writer.write(`ok ${command}\n`);
      writer.close();
    },
    { onHandlerError: (error) => reported.push(error) },
  );
  const { port: syncPort } = await serve(
    (_reader, writer) => {
      if (reported.length < 2) throw new Error('handler threw');
      writer.write('fine\n');
      writer.close();
    },
    { onHandlerError: (error) => reported.push(error) },
  );

  const failing = await openConnection({ host: '127.0.0.1', port });
  failing.writer.write('reject\n');
  expect((await failing.reader.read()).length).toBe(0); // closed without a reply
  const throwing = await openConnection({ host: '127.0.0.1', port: syncPort });
  expect((await throwing.reader.read()).length).toBe(0);
  expect(reported.map((error) => (error as Error).message)).toEqual(['handler rejected', 'handler threw']);

  const working = await openConnection({ host: '127.0.0.1', port });
  working.writer.write('hello\n');
  expect((await working.reader.read()).toString()).toBe('ok hello\n');
  const workingSync = await openConnection({ host: '127.0.0.1', port: syncPort });
  expect((await workingSync.reader.read()).toString()).toBe('fine\n');
});

test('a handler that returns a non-promise value (plain JavaScript callers) is not treated as failed', async () => {
  const reported: unknown[] = [];
  const handler = ((_reader: StreamReader, writer: StreamWriter) => {
    writer.write('hi\n');
    writer.close();
    return null;
  }) as unknown as (reader: StreamReader, writer: StreamWriter) => void;
  const { port } = await serve(handler, { onHandlerError: (error) => reported.push(error) });
  const client = await openConnection({ host: '127.0.0.1', port });
  expect((await client.reader.read()).toString()).toBe('hi\n');
  expect(reported).toEqual([]);
});

test('the default handler error report logs to console.error', async () => {
  const logged: unknown[][] = [];
  const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    logged.push(args);
  });
  try {
    const { port } = await serve(() => {
      throw new Error('logged failure');
    });
    const client = await openConnection({ host: '127.0.0.1', port });
    expect((await client.reader.read()).length).toBe(0);
  } finally {
    spy.mockRestore();
  }
  expect(logged).toHaveLength(1);
  expect(String(logged[0][0])).toMatch(/connection handler failed on the connection from 127\.0\.0\.1:\d+/);
  expect((logged[0][1] as Error).message).toBe('logged failure');
});

test('leaving for await early does not close the socket: framing switches mid-stream', async () => {
  const { port } = await serve(async (reader, writer) => {
    let length = 0;
    for await (const header of reader.frames('\r\n')) {
      if (header.length === 0) break;
      const [name, value] = header.toString().split(': ');
      if (name === 'Length') length = Number(value);
    }
    const body = await reader.readExactly(length);
    writer.write(Buffer.concat([Buffer.from(`got ${length}: `), body]));
    writer.close();
  });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  writer.write('Name: x\r\nLength: 5\r\n\r\nhel');
  await new Promise((resolve) => setTimeout(resolve, 10));
  writer.write('lo');
  expect((await reader.read()).toString()).toBe('got 5: hello');
});

test('readExactly far beyond 2 * limit over a real socket completes (flow control cannot deadlock)', async () => {
  const size = 4 * 1024 * 1024;
  const { port } = await serve(async (reader, writer) => {
    const body = await reader.readExactly(size);
    writer.write(`${body.length} ${body[size - 1]}\n`);
    writer.close();
  }, { limit: 1024 });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  const payload = Buffer.alloc(size, 7);
  writer.write(payload);
  await writer.drain();
  expect((await reader.readLine()).toString()).toBe(`${size} 7\n`);
  writer.close();
});

test('half-close: the server reads to EOF and still replies (allowHalfOpen)', async () => {
  const { port } = await serve(async (reader, writer) => {
    const request = await reader.read();
    writer.write(`read ${request.length} bytes\n`);
    writer.close();
  });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  expect(writer.canWriteEof()).toBe(true);
  writer.write('abcdef');
  writer.writeEof();
  expect(() => writer.write('more')).toThrow(/after writeEof/);
  expect((await reader.read()).toString()).toBe('read 6 bytes\n');
  expect(reader.atEof()).toBe(true);
});

test('close() flushes everything written before it', async () => {
  const size = 8 * 1024 * 1024;
  const { port } = await serve((_reader, writer) => {
    writer.write(Buffer.alloc(size, 'z'));
    writer.close();
    expect(writer.isClosing()).toBe(true);
    expect(() => writer.write('late')).toThrow(/after close/);
  });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  const received = await reader.read();
  expect(received.length).toBe(size);
  expect(received.every((byte) => byte === 0x7a)).toBe(true);
  writer.close();
  await writer.waitClosed();
});

test('drain() waits for a slow reader and resolves when it catches up', async () => {
  let releaseReader!: () => void;
  const readerMayStart = new Promise<void>((resolve) => (releaseReader = resolve));
  const { port } = await serve(async (reader, writer) => {
    await readerMayStart;
    const all = await reader.read();
    writer.write(`${all.length}`);
    writer.close();
  });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  // Far more than the kernel's loopback buffers absorb while the peer does not read.
  const piece = Buffer.alloc(1024 * 1024, 'q');
  const writes = 32;
  for (let i = 0; i < writes; i++) writer.write(piece);
  expect(writer.socket.writableNeedDrain).toBe(true);
  let drained = false;
  const draining = writer.drain().then(() => (drained = true));
  await new Promise((resolve) => setTimeout(resolve, 30));
  expect(drained).toBe(false);
  releaseReader();
  await draining;
  writer.writeEof();
  expect(Number((await reader.read()).toString())).toBe(writes * piece.length);
});

test('drain() and reads after the peer reset report the loss', async () => {
  let serverSide: { reader: StreamReader; writer: StreamWriter } | undefined;
  const { port } = await serve((reader, writer) => {
    serverSide = { reader, writer };
  });
  const client = await openConnection({ host: '127.0.0.1', port });
  await new Promise((resolve) => setTimeout(resolve, 20));
  client.writer.socket.resetAndDestroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
  const { reader, writer } = serverSide!;
  await expect(reader.readLine()).rejects.toBeInstanceOf(ConnectionResetError);
  await expect(writer.drain()).rejects.toBeInstanceOf(ConnectionResetError);
  writer.write('dropped'); // asyncio drops writes on a lost connection; drain() reported it
  await expect(writer.waitClosed()).rejects.toMatchObject({ code: 'ECONNRESET' });
});

test('a partial frame at the peer EOF: the default frames() throws IncompleteReadError with the tail', async () => {
  const outcomes: unknown[] = [];
  const { port } = await serve(async (reader, writer) => {
    const frames: string[] = [];
    try {
      for await (const frame of reader.frames('\n')) frames.push(frame.toString());
    } catch (error) {
      outcomes.push(error);
    }
    outcomes.push(frames);
    writer.close();
  });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  writer.write('one\ntwo\nthr');
  writer.writeEof();
  await reader.read();
  expect(outcomes[0]).toBeInstanceOf(IncompleteReadError);
  expect((outcomes[0] as IncompleteReadError).partial.toString()).toBe('thr');
  expect(outcomes[1]).toEqual(['one', 'two']);
});

test('getExtraInfo gives peername, sockname and the socket', async () => {
  let serverInfo: unknown[] = [];
  const { port } = await serve((_reader, writer) => {
    serverInfo = [writer.getExtraInfo('peername'), writer.getExtraInfo('sockname')];
    writer.close();
  });
  const { reader, writer } = await openConnection({ host: '127.0.0.1', port });
  await reader.read();
  const [host, clientPort] = writer.getExtraInfo('sockname')!;
  expect(serverInfo).toEqual([
    [host, clientPort],
    ['127.0.0.1', port],
  ]);
  expect(writer.getExtraInfo('socket')).toBeInstanceOf(net.Socket);
  expect(writer.getExtraInfo('cipher', 'none')).toBe('none');
});

test('openConnection rejects when nothing listens; startServer rejects on a busy port', async () => {
  const { port } = await serve(() => undefined);
  await expect(startServer(() => undefined, { host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const freePort = (probe.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  await expect(openConnection({ host: '127.0.0.1', port: freePort })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
});

test('a bad limit is refused before any connection', () => {
  expect(() => openConnection({ host: '127.0.0.1', port: 1, limit: 0 })).toThrow(RangeError);
  expect(() => startServer(() => undefined, { host: '127.0.0.1', port: 0, limit: -1 })).toThrow(/positive integer/);
  expect(() => startServer('nope' as unknown as () => void)).toThrow(TypeError);
});

test('fromSocket on a socket that is already closed reports EOF instead of waiting forever', async () => {
  const { port } = await serve((_reader, writer) => writer.close());
  const socket = net.connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => socket.once('close', resolve));
  const { reader } = fromSocket(socket);
  expect(await reader.readFrame('\n')).toBeNull();
  expect(reader.atEof()).toBe(true);
});

test('fromSocket refuses a socket with an encoding set', async () => {
  const { port } = await serve((_reader, writer) => writer.close());
  const socket = net.connect({ host: '127.0.0.1', port });
  socket.setEncoding('utf8');
  expect(() => fromSocket(socket)).toThrow(/encoding set \(utf8\)/);
  socket.destroy();
});

test('Server: close stops accepting, closeClients flushes and closes, waitClosed resolves', async () => {
  const { server, port } = await serve(async (reader, writer) => {
    writer.write('welcome\n');
    await reader.read();
  });
  const client = await openConnection({ host: '127.0.0.1', port });
  expect((await client.reader.readLine()).toString()).toBe('welcome\n');
  expect(server.listening).toBe(true);
  server.close();
  expect(server.listening).toBe(false);
  await expect(openConnection({ host: '127.0.0.1', port })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  let closed = false;
  const waiting = server.waitClosed().then(() => (closed = true));
  await new Promise((resolve) => setTimeout(resolve, 20));
  expect(closed).toBe(false); // a connection is still open
  server.closeClients();
  await waiting;
  expect((await client.reader.read()).length).toBe(0);
  await server.serveForever(); // resolves once closed
});
