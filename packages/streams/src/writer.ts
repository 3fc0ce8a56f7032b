import type * as net from 'node:net';
import { ConnectionResetError, toConnectionError } from './errors';
import type { StreamReader } from './reader';

/** What `write()` accepts: bytes, or a string (encoded as UTF-8). */
export type WriteData = Uint8Array | string;

const RESOLVED: Promise<void> = Promise.resolve();

function toBytes(data: unknown, method: string): Uint8Array | string {
  if (data instanceof Uint8Array || typeof data === 'string') return data;
  const got = data === null ? 'null' : typeof data === 'object' ? Object.prototype.toString.call(data) : typeof data;
  throw new TypeError(`${method}() takes a Uint8Array (Buffer) or a string, got ${got}`);
}

/**
 * An asyncio-style stream writer over a `net.Socket` (asyncio's `StreamWriter`, in camelCase).
 *
 * `write()` accepts bytes and, unlike asyncio (which raises `TypeError` for `str`), strings, encoded
 * as UTF-8 as Node's `socket.write` does: migrated protocol code writes many literal replies
 * (`writer.write('250 OK\r\n')`), and Node has no text/bytes split to protect. Encode
 * yourself (`Buffer.from(text, 'latin1')`) when a protocol needs another encoding.
 *
 * @example
 * writer.write('HELLO\r\n');
 * await writer.drain();          // waits only while the socket's buffer is over its high-water mark
 * writer.close();                // flush, then close
 * await writer.waitClosed();
 */
export class StreamWriter {
  /** The socket (asyncio's `transport`). */
  readonly socket: net.Socket;
  private readonly reader: StreamReader | null;
  private closeCalled = false;
  private eofWritten = false;
  private socketError: Error | null = null;
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  /**
   * @example
   * const writer = new StreamWriter(socket, reader);
   */
  constructor(socket: net.Socket, reader: StreamReader | null = null) {
    this.socket = socket;
    this.reader = reader;
    socket.on('error', (error: Error) => {
      this.socketError = toConnectionError(error, 0);
    });
  }

  /** asyncio's name for the socket. */
  get transport(): net.Socket {
    return this.socket;
  }

  /**
   * Queues `data` to be sent (asyncio `write`); pair it with `await drain()` to respect the peer's
   * pace. After the connection was lost the data is dropped and `drain()` reports the loss, as in
   * asyncio; after `close()` or `writeEof()` writing throws.
   *
   * @example
   * writer.write(Buffer.from([0x01, 0x02]));
   * writer.write('QUIT\r\n');
   */
  write(data: WriteData): void {
    const bytes = toBytes(data, 'write');
    this.checkWritable('write');
    const socket = this.socket;
    if (bytes.length === 0 || socket.destroyed) return;
    // Writes made in one tick (a loop over the frames of one received chunk) leave in one writev
    // at the end of the tick instead of one system call each, as Node's http does.
    if (!this.corked) {
      this.corked = true;
      socket.cork();
      process.nextTick(this.uncork);
    }
    socket.write(bytes);
  }

  /**
   * Writes several pieces in one go (asyncio `writelines`); like every write in one tick, they leave
   * together. All pieces are checked before any is written.
   *
   * @example
   * writer.writeLines(['a\r\n', 'b\r\n']);
   */
  writeLines(data: Iterable<WriteData>): void {
    const pieces: (Uint8Array | string)[] = [];
    for (const piece of data) pieces.push(toBytes(piece, 'writeLines'));
    this.checkWritable('writeLines');
    if (this.socket.destroyed) return;
    for (const piece of pieces) if (piece.length > 0) this.write(piece);
  }

  /**
   * Waits until it is appropriate to write again (asyncio `drain`): resolves at once unless the
   * socket's buffer is over its high-water mark. Rejects with the reader's exception if one is set,
   * and with `ConnectionResetError('Connection lost')` once the connection is gone.
   *
   * @example
   * for (const line of lines) {
   *   writer.write(line);
   *   await writer.drain();
   * }
   */
  drain(): Promise<void> {
    const readerError = this.reader?.exception() ?? null;
    if (readerError !== null) return Promise.reject(readerError);
    if (this.closeCalled) {
      // asyncio yields once here, so a write + drain loop on a closing connection lets the close
      // progress and then sees the loss.
      return new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.waitForDrain());
    }
    return this.waitForDrain();
  }

  private waitForDrain(): Promise<void> {
    const socket = this.socket;
    if (socket.destroyed) return Promise.reject(this.lostError());
    if (!socket.writableNeedDrain) return RESOLVED;
    return new Promise<void>((resolve, reject) => {
      const onDrain = (): void => {
        socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        socket.off('drain', onDrain);
        reject(this.lostError());
      };
      socket.once('drain', onDrain);
      socket.once('close', onClose);
    });
  }

  /**
   * Flushes what was written, then closes the connection (asyncio `close`, asynchat's
   * `close_when_done`): `socket.destroySoon()`, not `destroy()`, which would drop unsent data.
   *
   * @example
   * writer.write('221 Bye\r\n');
   * writer.close();
   * await writer.waitClosed();
   */
  close(): void {
    if (this.closeCalled) return;
    this.closeCalled = true;
    if (!this.socket.destroyed) this.socket.destroySoon();
  }

  /**
   * Resolves once the connection is closed (asyncio `wait_closed`); rejects with the socket's
   * error if it closed because of one.
   *
   * @example
   * writer.close();
   * await writer.waitClosed();
   */
  waitClosed(): Promise<void> {
    const socket = this.socket;
    if (socket.closed) return this.closedResult();
    return new Promise<void>((resolve, reject) => {
      socket.once('close', () => {
        this.closedResult().then(resolve, reject);
      });
    });
  }

  /**
   * Whether `close()` was called or the connection is gone (asyncio `is_closing`).
   *
   * @example
   * if (!writer.isClosing()) writer.write('PING\r\n');
   */
  isClosing(): boolean {
    return this.closeCalled || this.socket.destroyed;
  }

  /**
   * Whether `writeEof()` is supported: always true for TCP and IPC sockets (asyncio `can_write_eof`).
   *
   * @example
   * if (writer.canWriteEof()) writer.writeEof();
   */
  canWriteEof(): boolean {
    return true;
  }

  /**
   * Half-closes: flushes what was written, then sends EOF, keeping the read side open (asyncio
   * `write_eof`, `socket.end()`).
   *
   * @example
   * writer.write(request);
   * writer.writeEof();
   * const reply = await reader.read();
   */
  writeEof(): void {
    if (this.eofWritten || this.closeCalled || this.socket.destroyed) return;
    this.eofWritten = true;
    this.socket.end();
  }

  /**
   * Transport information (asyncio `get_extra_info`): `'peername'` and `'sockname'` as
   * `[host, port]`, `'socket'` the `net.Socket`; otherwise (or when unknown) `defaultValue`.
   *
   * @example
   * const [host, port] = writer.getExtraInfo('peername');
   */
  getExtraInfo(name: 'peername' | 'sockname'): [host: string, port: number] | undefined;
  getExtraInfo(name: 'socket'): net.Socket;
  getExtraInfo<T = undefined>(name: string, defaultValue?: T): unknown;
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    const socket = this.socket;
    switch (name) {
      case 'peername':
        return socket.remoteAddress === undefined ? defaultValue : [socket.remoteAddress, socket.remotePort];
      case 'sockname':
        return socket.localAddress === undefined ? defaultValue : [socket.localAddress, socket.localPort];
      case 'socket':
        return socket;
      default:
        return defaultValue;
    }
  }

  private checkWritable(method: string): void {
    if (this.closeCalled) throw new Error(`${method}() called after close(): the data would be lost`);
    if (this.eofWritten) throw new Error(`${method}() called after writeEof(): the write side is closed`);
  }

  private lostError(): Error {
    return new ConnectionResetError('Connection lost', null, this.socketError ?? undefined);
  }

  private closedResult(): Promise<void> {
    return this.socketError === null ? RESOLVED : Promise.reject(this.socketError);
  }
}
