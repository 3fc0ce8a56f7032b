import * as net from 'node:net';
import { toConnectionError } from './errors';
import { StreamReader, type StreamReaderOptions } from './reader';
import { StreamWriter } from './writer';

/** A reader and a writer over one connection. */
export interface StreamPair {
  reader: StreamReader;
  writer: StreamWriter;
}

/** Options of `openConnection`: Node's `net.connect` options plus the reader's `limit`. */
export type OpenConnectionOptions = net.NetConnectOpts & StreamReaderOptions;

/**
 * Wraps a connected socket in a reader and a writer: the migration seam for code that already
 * owns a `net.Socket`. It attaches one `'data'` listener (no `setEncoding`: the reader works on
 * bytes), feeds EOF and errors to the reader, and pauses/resumes the socket for flow control.
 * A connection loss becomes a `ConnectionResetError` on the pending and later reads.
 *
 * For asyncio's behaviour after the peer's EOF (we can still write), create the socket with
 * `allowHalfOpen: true`, as `startServer` and `openConnection` do.
 *
 * @example
 * const { reader, writer } = fromSocket(socket, { limit: 1 << 20 });
 * const line = await reader.readLine();
 */
export function fromSocket(socket: net.Socket, options: StreamReaderOptions = {}): StreamPair {
  if (socket.readableEncoding !== null) {
    throw new TypeError(
      `fromSocket(): the socket has an encoding set (${socket.readableEncoding}); the reader needs bytes`,
    );
  }
  const reader = new StreamReader(options);
  reader.setTransport(socket);
  const writer = new StreamWriter(socket, reader);
  let ended = false;
  const end = (): void => {
    if (ended) return;
    ended = true;
    reader.feedEof();
  };
  socket.on('data', (chunk: Buffer) => reader.feedData(chunk));
  socket.on('end', end);
  socket.on('error', (error: Error) => {
    if (ended) return;
    ended = true;
    reader.setException(toConnectionError(error, reader.buffered));
  });
  socket.on('close', end);
  if (socket.destroyed) {
    // Already gone: its 'close' has fired, so report the end (or the error) now.
    const error = socket.errored;
    if (error !== null && error !== undefined) {
      ended = true;
      reader.setException(toConnectionError(error, 0));
    } else end();
  } else if (socket.readableEnded) end();
  else if (socket.isPaused()) socket.resume();
  return { reader, writer };
}

/**
 * Connects to a TCP (or IPC) server and returns its reader and writer (asyncio `open_connection`).
 * `allowHalfOpen` defaults to `true`: after the server's EOF we can still write.
 *
 * @example
 * const { reader, writer } = await openConnection({ host: '127.0.0.1', port: 8025 });
 * writer.write('HELO me\r\n');
 * const reply = await reader.readUntil('\r\n');
 */
export function openConnection(options: OpenConnectionOptions): Promise<StreamPair> {
  const { limit, ...connectOptions } = options;
  // Checked before connecting, so a bad limit is the caller's error, not a connected socket's.
  new StreamReader({ limit });
  return new Promise<StreamPair>((resolve, reject) => {
    const socket = net.connect({ allowHalfOpen: true, ...connectOptions } as net.NetConnectOpts);
    const onError = (error: Error): void => reject(error);
    socket.once('error', onError);
    socket.once('connect', () => {
      socket.off('error', onError);
      resolve(fromSocket(socket, { limit }));
    });
  });
}
