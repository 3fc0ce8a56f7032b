import * as net from 'node:net';
import { ConnectionResetError, fromSocket, StreamWriter, type StreamPair } from '@asynchat/streams';

/** A connected loopback pair: our side wrapped in a reader and a writer, the peer a raw socket. */
async function connectedPair(): Promise<{ ours: StreamPair; peer: net.Socket; received: () => Promise<Buffer>; close: () => void }> {
  const listener = net.createServer({ allowHalfOpen: true });
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
  const accepted = new Promise<net.Socket>((resolve) => listener.once('connection', resolve));
  const socket = net.connect({ host: '127.0.0.1', port: (listener.address() as net.AddressInfo).port, allowHalfOpen: true });
  await new Promise((resolve) => socket.once('connect', resolve));
  const peer = await accepted;
  listener.close();
  const chunks: Buffer[] = [];
  peer.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve) => peer.once('end', resolve));
  return {
    ours: fromSocket(socket),
    peer,
    received: async () => {
      await ended;
      return Buffer.concat(chunks);
    },
    close: () => {
      socket.destroy();
      peer.destroy();
    },
  };
}

test('write takes bytes and strings (UTF-8); writeLines writes every piece in order', async () => {
  const { ours, received, close } = await connectedPair();
  ours.writer.write(Buffer.from('ab'));
  ours.writer.write(Uint8Array.of(0x63));
  ours.writer.write('é\r\n');
  ours.writer.write('');
  ours.writer.writeLines(['x', Buffer.from('y'), '\n']);
  ours.writer.writeEof();
  expect((await received()).toString('utf8')).toBe('abcé\r\nxy\n');
  close();
});

test('write and writeLines reject other types, and writeLines writes nothing when one piece is bad', async () => {
  const { ours, received, close } = await connectedPair();
  expect(() => ours.writer.write(42 as unknown as string)).toThrow(/takes a Uint8Array \(Buffer\) or a string, got number/);
  expect(() => ours.writer.write(null as unknown as string)).toThrow(TypeError);
  expect(() => ours.writer.writeLines(['ok', {} as unknown as string])).toThrow(/writeLines\(\) takes/);
  ours.writer.write('only this');
  ours.writer.writeEof();
  expect((await received()).toString()).toBe('only this');
  close();
});

test('drain rejects with the reader exception, as asyncio does', async () => {
  const { ours, close } = await connectedPair();
  const failure = new Error('protocol broken');
  ours.reader.setException(failure);
  await expect(ours.writer.drain()).rejects.toBe(failure);
  close();
});

test('drain after close() yields, then reports the lost connection once it is gone', async () => {
  const { ours, peer, close } = await connectedPair();
  ours.writer.write('bye');
  ours.writer.close();
  expect(ours.writer.isClosing()).toBe(true);
  peer.resume();
  peer.end();
  await ours.writer.waitClosed();
  await expect(ours.writer.drain()).rejects.toBeInstanceOf(ConnectionResetError);
  close();
});

test('close() is idempotent; writeEof() after close() does nothing', async () => {
  const { ours, received, close } = await connectedPair();
  ours.writer.write('data');
  ours.writer.close();
  ours.writer.close();
  ours.writer.writeEof();
  expect((await received()).toString()).toBe('data');
  await ours.writer.waitClosed();
  close();
});

test('getExtraInfo returns the default for unknown names and for a socket that is not connected', () => {
  const writer = new StreamWriter(new net.Socket());
  expect(writer.getExtraInfo('peername')).toBeUndefined();
  expect(writer.getExtraInfo('peername', ['?', 0])).toEqual(['?', 0]);
  expect(writer.getExtraInfo('compression', 'none')).toBe('none');
  expect(writer.transport).toBe(writer.socket);
  expect(writer.canWriteEof()).toBe(true);
});
