import * as net from 'node:net';
import { fromSocket } from './connection';
import { StreamReader, type StreamReaderOptions } from './reader';
import type { StreamWriter } from './writer';

/** A connection handler: called with each new connection's reader and writer. */
export type ConnectionHandler = (reader: StreamReader, writer: StreamWriter) => void | Promise<void>;

/** Called when a handler throws or rejects; the default logs to `console.error`. */
export type HandlerErrorListener = (error: unknown, writer: StreamWriter) => void;

/** Options of `startServer`: Node's listen and server options, plus the reader's `limit`. */
export interface StartServerOptions extends net.ListenOptions, net.ServerOpts, StreamReaderOptions {
  /** What to do with a handler's error (after which its connection is closed). */
  onHandlerError?: HandlerErrorListener;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

function logHandlerError(error: unknown, writer: StreamWriter): void {
  const peer = writer.getExtraInfo('peername');
  const where = peer === undefined ? 'a connection' : `the connection from ${peer[0]}:${peer[1]}`;
  console.error(`@asynchat/streams: the connection handler failed on ${where}; closing it.`, error);
}

/**
 * A listening server (asyncio's `Server`), returned by `startServer`.
 *
 * @example
 * const server = await startServer(handler, { host: '127.0.0.1', port: 0 });
 * console.log(server.address().port);
 * server.close();
 * await server.waitClosed();
 */
export class Server {
  /** The underlying Node server. */
  readonly netServer: net.Server;
  private readonly writers = new Set<StreamWriter>();
  private readonly closed: Promise<void>;

  /** @internal (use startServer) */
  constructor(netServer: net.Server) {
    this.netServer = netServer;
    this.closed = new Promise<void>((resolve) => netServer.once('close', () => resolve()));
  }

  /** Whether the server is accepting connections. */
  get listening(): boolean {
    return this.netServer.listening;
  }

  /**
   * The address the server listens on (Node's `AddressInfo`: `address`, `family`, `port`).
   * Throws when the server is not listening on TCP (use `netServer.address()` for IPC paths).
   *
   * @example
   * const { port } = server.address();
   */
  address(): net.AddressInfo {
    const address = this.netServer.address();
    if (address === null || typeof address === 'string') {
      throw new Error(`Server.address(): not listening on a TCP port (address: ${JSON.stringify(address)})`);
    }
    return address;
  }

  /**
   * Stops accepting connections (asyncio `Server.close`); open connections go on until they end.
   *
   * @example
   * server.close();
   */
  close(): void {
    if (this.netServer.listening) this.netServer.close();
  }

  /**
   * Closes every open connection after flushing what was written to it (asyncio 3.13
   * `close_clients`).
   *
   * @example
   * server.close();
   * server.closeClients();
   * await server.waitClosed();
   */
  closeClients(): void {
    for (const writer of this.writers) writer.close();
  }

  /**
   * Destroys every open connection at once, dropping unsent data (asyncio 3.13 `abort_clients`).
   *
   * @example
   * server.abortClients();
   */
  abortClients(): void {
    for (const writer of this.writers) writer.socket.destroy();
  }

  /**
   * Resolves once the server is closed and every connection has ended (asyncio `wait_closed`).
   *
   * @example
   * server.close();
   * await server.waitClosed();
   */
  waitClosed(): Promise<void> {
    return this.closed;
  }

  /**
   * Serves until the server is closed (asyncio `serve_forever`; here it resolves on close instead
   * of being cancelled).
   *
   * @example
   * process.on('SIGINT', () => server.close());
   * await server.serveForever();
   */
  serveForever(): Promise<void> {
    return this.closed;
  }

  /** @internal */
  track(writer: StreamWriter): void {
    this.writers.add(writer);
    writer.socket.once('close', () => this.writers.delete(writer));
  }
}

/**
 * Starts a TCP (or IPC) server that calls `handler(reader, writer)` for each connection (asyncio
 * `start_server`). `allowHalfOpen` defaults to `true` (after the peer's EOF the handler can still
 * reply). A handler that throws or rejects is reported to `onHandlerError` (default: logged) and
 * its connection closed; the server goes on. A handler that returns leaves its connection open:
 * close it with `writer.close()`.
 *
 * @example
 * const server = await startServer(async (reader, writer) => {
 *   for await (const message of reader.frames('\r\n', { partial: 'drop' })) {
 *     writer.write(message);
 *     writer.write('\r\n');
 *     await writer.drain();
 *   }
 *   writer.close();
 * }, { host: '127.0.0.1', port: 0 });
 */
export function startServer(handler: ConnectionHandler, options: StartServerOptions = {}): Promise<Server> {
  if (typeof handler !== 'function') {
    throw new TypeError(`startServer(): the handler must be a function, got ${typeof handler}`);
  }
  const { limit, onHandlerError = logHandlerError, ...netOptions } = options;
  // Checked now: a bad limit would otherwise fail every connection.
  new StreamReader({ limit });
  const netServer = net.createServer({ allowHalfOpen: true, ...netOptions });
  const server = new Server(netServer);

  const handlerFailed = (error: unknown, writer: StreamWriter): void => {
    try {
      onHandlerError(error, writer);
    } catch (listenerError) {
      console.error('@asynchat/streams: onHandlerError threw', listenerError);
    }
    writer.close();
  };

  netServer.on('connection', (socket: net.Socket) => {
    let writer: StreamWriter | undefined;
    try {
      const pair = fromSocket(socket, { limit });
      writer = pair.writer;
      server.track(writer);
      const result: unknown = handler(pair.reader, writer);
      if (isThenable(result)) {
        const failedWriter = writer;
        result.then(undefined, (error: unknown) => handlerFailed(error, failedWriter));
      }
    } catch (error) {
      if (writer === undefined) socket.destroy();
      else handlerFailed(error, writer);
    }
  });

  return new Promise<Server>((resolve, reject) => {
    const onListenError = (error: Error): void => reject(error);
    netServer.once('error', onListenError);
    const listenOptions = netOptions.path === undefined ? { port: 0, ...netOptions } : netOptions;
    netServer.listen(listenOptions, () => {
      netServer.off('error', onListenError);
      // Accept errors (EMFILE...) must not crash the process: report them like handler errors.
      netServer.on('error', (error: Error) => console.error('@asynchat/streams: server error', error));
      resolve(server);
    });
  });
}
