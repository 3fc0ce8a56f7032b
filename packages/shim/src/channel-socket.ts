import * as net from 'node:net';
import { constants as osConstants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { MAX_POOLED, release, take } from './send-buffer-pool';

/**
 * The `socket` object a dispatcher holds: the part of Python's socket API that asyncore uses,
 * over a Node `net.Socket` (a connection) or `net.Server` (a listener).
 *
 * Node pushes events where Python polls, so this object keeps what has arrived until the
 * dispatcher asks for it: received chunks (returned by `recv`, synchronously), end of stream, a
 * socket error, accepted connections. It reports readiness to `asyncore.loop`, and what `send`
 * is given during one event leaves in one `socket.write`.
 */

/** Linux values, as Python's `socket` module has them. */
export const AF_UNIX = 1;
export const AF_INET = 2;
export const AF_INET6 = 10;
export const SOCK_STREAM = 1;
export const SOL_SOCKET = 1;
export const SO_REUSEADDR = 2;
export const SO_ERROR = 4;
export const IPPROTO_TCP = 6;
export const TCP_NODELAY = 1;

/**
 * An address as Python spells it: `[host, port]` for AF_INET, `[host, port, flowinfo, scope_id]`
 * for AF_INET6 results, a path for AF_UNIX.
 */
export type Address = readonly [string, number] | readonly [string, number, number, number] | string;

/** An `OSError`: Python's `errno`, and Node's `code` (the errno name). */
export interface OSError extends Error {
  errno: number;
  code: string;
}

/** Errno numbers by name (this platform's). */
export const errnoNumbers = osConstants.errno as Readonly<Record<string, number>>;
const errnoMessages = getSystemErrorMap();

/**
 * An `OSError` for an errno name; `EAGAIN`/`EWOULDBLOCK` are named `BlockingIOError`, as in Python.
 *
 * @example
 * throw osError('ENOTCONN'); // [Errno 107] socket is not connected
 */
export function osError(code: string, cause?: unknown): OSError {
  const errno = errnoNumbers[code] ?? 0;
  const text = errnoMessages.get(-errno)?.[1] ?? code;
  const error = new Error(`[Errno ${errno}] ${text}`, cause === undefined ? undefined : { cause }) as OSError;
  error.name = code === 'EAGAIN' || code === 'EWOULDBLOCK' ? 'BlockingIOError' : 'OSError';
  error.errno = errno;
  error.code = code;
  return error;
}

/** Whether `error` is an OS-level socket error (Python's `OSError`): it carries an errno name. */
export function isOSError(error: unknown): error is OSError {
  const code = (error as { code?: unknown } | null)?.code;
  return error instanceof Error && typeof code === 'string' && /^E[A-Z0-9]+$/.test(code);
}

/** Whether `error` is Python's `BlockingIOError` (EAGAIN / EWOULDBLOCK). */
export function isBlockingIOError(error: unknown): boolean {
  return isOSError(error) && (error.code === 'EAGAIN' || error.code === 'EWOULDBLOCK');
}

function fromNodeError(error: Error): OSError {
  const code = (error as { code?: unknown }).code;
  return osError(typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : 'EIO', error);
}

// ---------------------------------------------------------------------------------------------
// Readiness notifications: `asyncore.poll` waits on these instead of select().

const waiters: (() => void)[] = [];

/** Wakes every pending `waitForActivity`. */
function notifyActivity(): void {
  if (waiters.length === 0) return;
  const woken = waiters.splice(0, waiters.length);
  for (const wake of woken) wake();
}

/**
 * Resolves at the next socket event (data, end, error, connect, drain, accept) or after
 * `timeoutSeconds` (`null`: no timeout).
 */
export function waitForActivity(timeoutSeconds: number | null): Promise<void> {
  return new Promise<void>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    const wake = (): void => {
      if (timer !== undefined) clearTimeout(timer);
      const index = waiters.indexOf(wake);
      if (index !== -1) waiters.splice(index, 1);
      resolve();
    };
    waiters.push(wake);
    if (timeoutSeconds !== null) timer = setTimeout(wake, Math.max(0, timeoutSeconds * 1000));
  });
}

// ---------------------------------------------------------------------------------------------

/**
 * Flow control of the receive queue (the kernel buffer's role in Python): stop reading above HIGH,
 * read again at or below LOW. The gap keeps pause/resume rare: the loop takes one chunk per channel
 * per round while Node may deliver several per turn, and toggling at every chunk stalls the peer.
 */
const RECEIVE_HIGH_WATER = 1024 * 1024;
const RECEIVE_LOW_WATER = 256 * 1024;
/**
 * A batch this small is written as a right-sized copy (from Node's shared 8 KiB pool) and its
 * pooled buffer goes back at once: a stalled peer then holds a few bytes per write, not 16 KiB.
 */
const SMALL_BATCH = 4095;
const EMPTY = Buffer.alloc(0);
const EINPROGRESS = errnoNumbers.EINPROGRESS ?? 115;

let nextDescriptor = 3;

type ServerHandle = object;
type CreateServerHandle = (address: string, port: number, addressType: number) => ServerHandle | number;
/**
 * Node's own helper that creates and binds a listening handle synchronously: with it, `bind()`
 * and `listen()` complete before they return and `getsockname()` tells the real port at once,
 * as in Python. Without it (a future Node), binding falls back to `server.listen(port, host)`,
 * which completes a tick later.
 */
const createServerHandle = (net as unknown as { _createServerHandle?: CreateServerHandle })._createServerHandle;

type Phase = 'fresh' | 'listening' | 'connecting' | 'connected' | 'closed';

/**
 * Python's socket object over Node. Created by `dispatcher.create_socket()`, or around a Node
 * socket given to a dispatcher's constructor (for example the one `handle_accepted` receives).
 *
 * @example
 * class Server extends asyncore.dispatcher {
 *   constructor() {
 *     super();
 *     this.create_socket();
 *     this.bind(['127.0.0.1', 0]);
 *     this.listen(5);
 *     console.log(this.socket.getsockname()); // ['127.0.0.1', 41234]
 *   }
 * }
 */
export class ChannelSocket {
  /** Python's `socket.family`. */
  readonly family: number;
  /** Python's `socket.type`. */
  readonly type: number;
  private readonly descriptor = nextDescriptor++;
  private phase: Phase = 'fresh';
  private connection: net.Socket | null = null;
  private server: net.Server | null = null;
  private boundHandle: ServerHandle | null = null;
  /** A bind address that still needs a name lookup (bound when listen() is called). */
  private deferredBind: { host: string; port: number } | string | null = null;
  private localAddress: Address | null = null;
  private connectAddress: Address | null = null;
  private reuseAddress = 0;
  private readonly received: Buffer[] = [];
  private receivedBytes = 0;
  private endOfStream = false;
  /** The error recv() reports next (a reset, a failed connect); cleared once reported. */
  private failure: OSError | null = null;
  /** Whether the socket was reset or failed: poll2's POLLERR|POLLHUP. */
  private broken = false;
  /** SO_ERROR: set by a failed connect, cleared by reading it. */
  private pendingSocketError = 0;
  private readonly accepted: [net.Socket, Address][] = [];
  private readInterest = true;
  private flowing = false;
  /** The buffer (from send-buffer-pool) this event's sends are copied into; written by flush(). */
  private batch: Buffer | null = null;
  private batchLength = 0;
  /** What the last batch held: the next one starts that big, so steady traffic never regrows. */
  private batchHint = 0;
  private flushScheduled = false;
  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  /**
   * A new, unconnected socket (Python's `socket.socket(family, type)`); or, with `connection`,
   * the wrapper of an existing Node socket.
   */
  constructor(family: number = AF_INET, type: number = SOCK_STREAM, connection?: net.Socket) {
    if (family !== AF_INET && family !== AF_INET6 && family !== AF_UNIX) {
      throw Object.assign(osError('EAFNOSUPPORT'), { family });
    }
    if (type !== SOCK_STREAM) {
      throw new TypeError(`only SOCK_STREAM sockets are supported on Node, got type ${String(type)}`);
    }
    this.family = family;
    this.type = type;
    if (connection !== undefined) this.adopt(connection);
  }

  /** Wraps a Node socket (connected, connecting, or already gone). */
  static fromNodeSocket(connection: net.Socket): ChannelSocket {
    const family = connection.remoteFamily === 'IPv6' ? AF_INET6 : connection.remoteFamily === 'IPv4' ? AF_INET : inferFamily(connection);
    return new ChannelSocket(family, SOCK_STREAM, connection);
  }

  /** The Node socket underneath, once there is one (after connect, or for an accepted socket). */
  get nodeSocket(): net.Socket | null {
    return this.connection;
  }

  /** The Node server underneath, once listen() was called. */
  get nodeServer(): net.Server | null {
    return this.server;
  }

  /** An id unique in this process, used as the key in socket maps (not an OS file descriptor). */
  fileno(): number {
    return this.phase === 'closed' ? -1 : this.descriptor;
  }

  /** Node sockets are always non-blocking; `setblocking(true)` is refused. */
  setblocking(flag: boolean | number): void {
    if (flag) throw new Error('blocking sockets are not available on Node: asyncore sockets are non-blocking');
  }

  /** SO_REUSEADDR is recorded (Node's listeners always set it); TCP_NODELAY is applied. */
  setsockopt(level: number, option: number, value: number | boolean): void {
    this.checkOpen();
    if (level === SOL_SOCKET && option === SO_REUSEADDR) {
      this.reuseAddress = Number(value) ? 1 : 0;
      return;
    }
    if (level === IPPROTO_TCP && option === TCP_NODELAY) {
      this.connection?.setNoDelay(Boolean(value));
      return;
    }
    throw Object.assign(osError('ENOPROTOOPT'), { level, option });
  }

  /** SO_REUSEADDR, or SO_ERROR (the errno of a failed connect, cleared by reading it). */
  getsockopt(level: number, option: number): number {
    this.checkOpen();
    if (level === SOL_SOCKET && option === SO_REUSEADDR) return this.reuseAddress;
    if (level === SOL_SOCKET && option === SO_ERROR) {
      const error = this.pendingSocketError;
      this.pendingSocketError = 0;
      return error;
    }
    throw Object.assign(osError('ENOPROTOOPT'), { level, option });
  }

  /** Binds the local address now (synchronously, so getsockname() tells the real port). */
  bind(address: Address): void {
    this.checkOpen();
    if (this.phase !== 'fresh' || this.boundHandle !== null || this.deferredBind !== null) throw osError('EINVAL');
    if (this.family === AF_UNIX) {
      const socketPath = unixPath(address);
      this.bindNow(socketPath, -1, -1, socketPath);
      return;
    }
    const [host, port] = inetAddress(address, this.family);
    const ip = this.resolveLiteral(host);
    if (ip === null) {
      this.deferredBind = { host, port };
      return;
    }
    this.bindNow(ip, port, this.family === AF_INET6 ? 6 : 4, null);
  }

  /** Starts listening; with a bound handle the listener is live when this returns. */
  listen(backlog: number = 128): void {
    this.checkOpen();
    if (this.connection !== null) throw osError('EINVAL');
    if (this.server !== null) return;
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    this.server = server;
    this.phase = 'listening';
    server.on('connection', (connection: net.Socket) => {
      if (this.phase === 'closed') {
        connection.destroy();
        return;
      }
      // Without a listener a reset before accept() would crash the process.
      connection.on('error', ignoreError);
      this.accepted.push([connection, peerAddress(connection, this.family)]);
      notifyActivity();
    });
    server.on('error', (error: Error) => {
      this.failure = fromNodeError(error);
      this.broken = true;
      notifyActivity();
    });
    if (this.boundHandle === null && this.deferredBind === null && createServerHandle !== undefined) {
      if (this.family === AF_UNIX) throw osError('EINVAL');
      this.bindNow(this.family === AF_INET6 ? '::' : '0.0.0.0', 0, this.family === AF_INET6 ? 6 : 4, null);
    }
    if (this.boundHandle !== null) {
      server.listen(this.boundHandle, Math.max(0, backlog));
      return;
    }
    const deferred = this.deferredBind;
    server.on('listening', () => {
      this.localAddress = serverAddress(server, this.family);
      notifyActivity();
    });
    if (typeof deferred === 'string') server.listen({ path: deferred, backlog: Math.max(0, backlog) });
    else server.listen({ host: deferred?.host, port: deferred?.port ?? 0, backlog: Math.max(0, backlog) });
  }

  /** The next accepted connection as `[nodeSocket, address]`; BlockingIOError when none is waiting. */
  accept(): [net.Socket, Address] {
    this.checkOpen();
    if (this.server === null) throw osError('EINVAL');
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      throw failure;
    }
    const next = this.accepted.shift();
    if (next === undefined) throw osError('EAGAIN');
    next[0].removeListener('error', ignoreError);
    return next;
  }

  /**
   * Starts connecting and returns Python's `connect_ex` result: always EINPROGRESS, because a
   * Node connect completes later (the loop then sees the socket writable, or failed).
   */
  connect_ex(address: Address): number {
    this.checkOpen();
    if (this.connection !== null) return errnoNumbers.EISCONN ?? 106;
    if (this.server !== null) throw osError('EINVAL');
    const connection = new net.Socket({ allowHalfOpen: true });
    if (this.family === AF_UNIX) {
      const socketPath = unixPath(address);
      this.connectAddress = socketPath;
      this.adopt(connection);
      connection.connect({ path: socketPath });
    } else {
      const [host, port] = inetAddress(address, this.family);
      this.connectAddress = address;
      const local = this.takeLocalBinding();
      this.adopt(connection);
      connection.connect({
        host: host === '' ? 'localhost' : host,
        port,
        family: this.family === AF_INET6 ? 6 : 4,
        ...(local === null ? {} : { localAddress: local.host, localPort: local.port }),
      });
    }
    this.phase = 'connecting';
    return EINPROGRESS;
  }

  /** Python's `connect`: like connect_ex, but raises for anything but "in progress". */
  connect(address: Address): void {
    const result = this.connect_ex(address);
    if (result !== EINPROGRESS && result !== 0) throw osError(errnoName(result));
  }

  /**
   * Up to `bufferSize` bytes already received, synchronously. An empty Buffer at end of stream;
   * the socket's error once, if it failed; BlockingIOError when nothing has arrived yet.
   */
  recv(bufferSize: number): Buffer {
    if (this.phase === 'closed') throw osError('EBADF');
    if (!Number.isInteger(bufferSize) || bufferSize < 0) {
      throw new RangeError(`negative or non-integer buffersize in recv: ${String(bufferSize)}`);
    }
    const head = this.received[0];
    if (head !== undefined) {
      if (bufferSize === 0) return EMPTY;
      let data: Buffer;
      if (head.length <= bufferSize) {
        this.received.shift();
        data = head;
      } else {
        data = head.subarray(0, bufferSize);
        this.received[0] = head.subarray(bufferSize);
      }
      this.receivedBytes -= data.length;
      this.updateFlow();
      return data;
    }
    if (this.failure !== null) {
      const failure = this.failure;
      this.failure = null;
      this.endOfStream = true;
      throw failure;
    }
    if (this.endOfStream) return EMPTY;
    if (this.connection === null) throw osError('ENOTCONN');
    throw osError('EAGAIN');
  }

  /**
   * Takes all of `data` (Node buffers what the kernel does not take yet) and returns its length.
   * The bytes are copied at once, as the kernel would, so the caller may reuse its buffer; what
   * one event sends is written with one `socket.write`.
   */
  send(data: ArrayBufferView): number {
    if (this.phase === 'closed') throw osError('EBADF');
    if (!ArrayBuffer.isView(data)) {
      throw new TypeError(`a bytes-like object is required, not '${typeNameOf(data)}'`);
    }
    if (this.broken) throw osError('EPIPE');
    const connection = this.connection;
    if (connection === null) throw osError(this.server === null ? 'ENOTCONN' : 'EINVAL');
    if (this.phase === 'connecting') throw osError('EAGAIN');
    if (connection.destroyed || connection.writableEnded) throw osError('EPIPE');
    const bytes = data instanceof Uint8Array ? data : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    const length = bytes.length;
    if (length === 0) return 0;
    let batch = this.batch;
    if (batch === null || this.batchLength + length > batch.length) {
      const needed = this.batchLength + length;
      // Doubling keeps many sends in one event linear beyond the pooled sizes too.
      const grown = take(Math.max(needed, this.batchHint, batch === null ? 0 : batch.length * 2));
      if (batch !== null) {
        batch.copy(grown, 0, 0, this.batchLength);
        release(batch); // never written: free at once
      }
      this.batch = batch = grown;
    }
    // The copy is what lets the caller reuse or change its buffer as soon as send() returns.
    batch.set(bytes, this.batchLength);
    this.batchLength += length;
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      process.nextTick(this.flushLater);
    }
    return length;
  }

  /**
   * Writes what was sent since the last flush, in one `socket.write`. The batch buffer goes back
   * to the pool from that write's callback: only then has Node finished with its bytes. So code
   * that wraps `nodeSocket.write` and keeps the chunk it sees past that callback must copy it
   * (a wrapper that drops the callback only costs the recycling: the buffer is then collected).
   */
  flush(): void {
    const batch = this.batch;
    if (batch === null || this.batchLength === 0) return;
    const length = this.batchLength;
    this.batch = null;
    this.batchLength = 0;
    this.batchHint = Math.min(length, MAX_POOLED);
    const connection = this.connection;
    if (connection === null || connection.destroyed) {
      release(batch);
      return;
    }
    if (length <= SMALL_BATCH) {
      connection.write(Buffer.from(batch.subarray(0, length)));
      release(batch);
      return;
    }
    // A batch using under a quarter of its buffer (the hint was larger) moves to a buffer of its
    // size, so what a slow peer keeps referenced is at most 4x the bytes it has not read yet.
    let chunk = batch;
    if (length * 4 <= batch.length) {
      chunk = take(length);
      batch.copy(chunk, 0, 0, length);
      release(batch);
    }
    connection.write(length === chunk.length ? chunk : chunk.subarray(0, length), () => release(chunk));
  }

  /** Closes: what was sent is still delivered, then the connection ends; a listener stops. */
  close(): void {
    if (this.phase === 'closed') return;
    this.flush();
    this.phase = 'closed';
    this.received.length = 0;
    this.receivedBytes = 0;
    const connection = this.connection;
    if (connection !== null && !connection.destroyed) {
      if (connection.connecting || connection.writableLength === 0) {
        connection.destroy();
      } else {
        connection.pause();
        // The written bytes still leave, as the kernel would send them after close(2).
        connection.end(() => connection.destroy());
        connection.unref();
      }
    }
    const server = this.server;
    if (server !== null) {
      server.close();
      for (const [pending] of this.accepted.splice(0, this.accepted.length)) pending.destroy();
    }
    if (this.boundHandle !== null && server === null) {
      (this.boundHandle as { close?: () => void }).close?.();
    }
    this.boundHandle = null;
  }

  /** The local address: `[host, port]` (real port after binding to 0), or a path. */
  getsockname(): Address {
    this.checkOpen();
    if (this.connection !== null && this.phase !== 'connecting') {
      if (this.family === AF_UNIX) return typeof this.localAddress === 'string' ? this.localAddress : '';
      const { localAddress, localPort } = this.connection;
      if (localAddress !== undefined && localPort !== undefined) return inetTuple(localAddress, localPort, this.family);
    }
    if (this.family === AF_UNIX && typeof this.localAddress === 'string') return this.localAddress;
    if (this.server !== null && this.server.listening) return serverAddress(this.server, this.family);
    if (this.localAddress !== null) return this.localAddress;
    if (this.deferredBind !== null) {
      throw new Error(
        'getsockname(): the address is not known yet: binding to a host name completes after a name ' +
          'lookup; bind to an IP address (for example 127.0.0.1) to know it at once, or await asyncore.loop() first',
      );
    }
    if (this.family === AF_UNIX) return '';
    return inetTuple(this.family === AF_INET6 ? '::' : '0.0.0.0', 0, this.family);
  }

  /** The peer's address; ENOTCONN when not connected. */
  getpeername(): Address {
    this.checkOpen();
    const connection = this.connection;
    if (connection === null || this.phase === 'connecting' || connection.destroyed) throw osError('ENOTCONN');
    if (this.family === AF_UNIX) return typeof this.connectAddress === 'string' ? this.connectAddress : '';
    const { remoteAddress, remotePort } = connection;
    if (remoteAddress === undefined || remotePort === undefined) throw osError('ENOTCONN');
    return inetTuple(remoteAddress, remotePort, this.family);
  }

  // --- what asyncore.poll asks --------------------------------------------------------------

  /** select()'s "readable": data, end of stream, an error, or a connection to accept. */
  readReady(): boolean {
    if (this.phase === 'closed') return false;
    if (this.server !== null) return this.accepted.length > 0 || this.failure !== null || this.broken;
    return this.received.length > 0 || this.endOfStream || this.failure !== null || this.broken;
  }

  /** select()'s "writable": connected and not backed up, or a connect that finished or failed. */
  writeReady(): boolean {
    switch (this.phase) {
      case 'fresh':
        return true;
      case 'connected':
        return this.broken || !(this.connection as net.Socket).writableNeedDrain;
      case 'connecting':
        return this.broken;
      default:
        return false;
    }
  }

  /** poll()'s POLLERR|POLLHUP: the connection was reset or failed. */
  hungUp(): boolean {
    return this.phase !== 'closed' && this.broken;
  }

  /** Whether the dispatcher wants input (its `readable()`): if not, Node stops reading. */
  setReadInterest(wanted: boolean): void {
    if (this.readInterest === wanted) return;
    this.readInterest = wanted;
    this.updateFlow();
  }

  // --- internals ------------------------------------------------------------------------------

  private adopt(connection: net.Socket): void {
    this.connection = connection;
    this.phase = connection.connecting ? 'connecting' : 'connected';
    connection.on('data', (chunk: Buffer) => {
      if (this.phase === 'closed') return;
      this.received.push(chunk);
      this.receivedBytes += chunk.length;
      if (this.receivedBytes >= RECEIVE_HIGH_WATER) this.updateFlow();
      notifyActivity();
    });
    connection.on('end', () => {
      this.endOfStream = true;
      notifyActivity();
    });
    connection.on('connect', () => {
      if (this.phase === 'connecting') this.phase = 'connected';
      notifyActivity();
    });
    connection.on('error', (error: Error) => {
      const failure = fromNodeError(error);
      if (this.phase === 'connecting') this.pendingSocketError = failure.errno;
      this.failure = failure;
      this.broken = true;
      notifyActivity();
    });
    connection.on('close', () => {
      if (!this.endOfStream && !this.broken) this.endOfStream = true;
      notifyActivity();
    });
    connection.on('drain', notifyActivity);
    if (connection.destroyed) {
      this.failure = osError('ENOTCONN');
      this.broken = true;
    }
    this.flowing = false;
    this.updateFlow();
  }

  private updateFlow(): void {
    const connection = this.connection;
    if (connection === null) return;
    if (this.flowing) {
      if (this.phase === 'closed' || !this.readInterest || this.receivedBytes >= RECEIVE_HIGH_WATER) {
        this.flowing = false;
        connection.pause();
      }
    } else if (this.phase !== 'closed' && this.readInterest && this.receivedBytes <= RECEIVE_LOW_WATER) {
      this.flowing = true;
      connection.resume();
    }
  }

  private checkOpen(): void {
    if (this.phase === 'closed') throw osError('EBADF');
  }

  private resolveLiteral(host: string): string | null {
    if (host === '') return this.family === AF_INET6 ? '::' : '0.0.0.0';
    if (host === 'localhost') return this.family === AF_INET6 ? '::1' : '127.0.0.1';
    const version = net.isIP(host);
    if (version === 0 || createServerHandle === undefined) return null;
    if ((version === 6) !== (this.family === AF_INET6)) throw Object.assign(osError('EAFNOSUPPORT'), { host });
    return host;
  }

  private bindNow(address: string, port: number, addressType: number, socketPath: string | null): void {
    if (createServerHandle === undefined) {
      this.deferredBind = socketPath ?? { host: address, port };
      return;
    }
    const handle = createServerHandle(address, port, addressType);
    if (typeof handle === 'number') throw Object.assign(osError(errnoName(-handle)), { address, port });
    this.boundHandle = handle;
    if (socketPath !== null) {
      this.localAddress = socketPath;
      return;
    }
    const out: { address?: string; port?: number } = {};
    (handle as { getsockname?: (out: object) => number }).getsockname?.(out);
    this.localAddress = inetTuple(out.address ?? address, out.port ?? port, this.family);
  }

  /** A bind() before connect() becomes the connection's local address. */
  private takeLocalBinding(): { host: string; port: number } | null {
    if (this.boundHandle !== null) {
      const local = this.localAddress as readonly [string, number];
      (this.boundHandle as { close?: () => void }).close?.();
      this.boundHandle = null;
      return { host: local[0], port: local[1] };
    }
    if (this.deferredBind !== null && typeof this.deferredBind !== 'string') {
      const local = this.deferredBind;
      this.deferredBind = null;
      return local;
    }
    return null;
  }
}

function ignoreError(): void {}

function inferFamily(connection: net.Socket): number {
  const address = connection.localAddress ?? connection.remoteAddress;
  if (address === undefined) return connection.remoteFamily === undefined && connection.localPort === undefined ? AF_UNIX : AF_INET;
  return net.isIPv6(address) ? AF_INET6 : AF_INET;
}

function inetTuple(host: string, port: number, family: number): Address {
  return family === AF_INET6 ? [host, port, 0, 0] : [host, port];
}

function peerAddress(connection: net.Socket, family: number): Address {
  if (family === AF_UNIX) return '';
  return inetTuple(connection.remoteAddress ?? '', connection.remotePort ?? 0, family);
}

function serverAddress(server: net.Server, family: number): Address {
  const address = server.address();
  if (address === null) return family === AF_UNIX ? '' : inetTuple('0.0.0.0', 0, family);
  if (typeof address === 'string') return address;
  return inetTuple(address.address, address.port, family);
}

function inetAddress(address: Address, family: number): [string, number] {
  if (!Array.isArray(address) || address.length < 2 || typeof address[0] !== 'string' || typeof address[1] !== 'number') {
    throw Object.assign(
      new TypeError(
        `${family === AF_INET6 ? 'AF_INET6' : 'AF_INET'} address must be [host, port], got ${JSON.stringify(address)}`,
      ),
      { address },
    );
  }
  const port = address[1];
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw Object.assign(new RangeError(`port must be 0-65535, got ${port}`), { address });
  }
  return [address[0], port];
}

function unixPath(address: Address): string {
  if (typeof address !== 'string') {
    throw Object.assign(new TypeError(`AF_UNIX address must be a path string, got ${JSON.stringify(address)}`), {
      address,
    });
  }
  return address;
}

/** The errno name of a number, `EIO` if unknown. */
export function errnoName(errno: number): string {
  for (const [name, value] of Object.entries(errnoNumbers)) if (value === errno) return name;
  return 'EIO';
}

function typeNameOf(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}
