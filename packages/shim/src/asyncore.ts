import * as net from 'node:net';
import {
  AF_INET,
  AF_INET6,
  AF_UNIX,
  ChannelSocket,
  SOCK_STREAM,
  SOL_SOCKET,
  SO_ERROR,
  SO_REUSEADDR,
  errnoName,
  errnoNumbers,
  isOSError,
  osError,
  waitForActivity,
  type Address,
} from './channel-socket';
import { announceHandlerClass } from './deprecation';
import { observeErrorHandlerResult, observeHandlerResult, routeRejectionsTo } from './handler-result';
import { conversationFor, noteAccepted, type Conversation } from './recording';

/**
 * Python's `asyncore` on Node: `dispatcher`, `dispatcher_with_send`, `loop` and friends, with
 * Python's names and semantics. `loop()` returns a Promise; between rounds it lets Node's event
 * loop run, and each round dispatches what Node has delivered since (see the README for the
 * mapping and every deviation from CPython).
 *
 * @example
 * import * as asyncore from '@asynchat/shim/asyncore';
 * class EchoServer extends asyncore.dispatcher {
 *   constructor() {
 *     super();
 *     this.create_socket();
 *     this.bind(['127.0.0.1', 0]);
 *     this.listen(5);
 *   }
 *   override handle_accepted(sock: net.Socket) { new EchoHandler(sock); }
 * }
 * await asyncore.loop();
 */

export { AF_INET, AF_INET6, AF_UNIX, SOCK_STREAM };
export type { Address };

/** A socket map: channel id (`fileno()`) to dispatcher. A `Map`, or a plain object as in Python. */
export type SocketMap = Map<number, dispatcher> | Record<number, dispatcher>;

/** What a dispatcher accepts as its socket: a Node socket, or a socket object (ours or a test double). */
export type SocketArgument = net.Socket | ChannelSocket;

/**
 * The default map, used when a dispatcher or `loop()` is given none.
 *
 * @example
 * asyncore.socket_map.size; // channels open on the default map
 */
export const socket_map: Map<number, dispatcher> = new Map();

/**
 * Raised by a handler to leave `loop()`: the loop rethrows it (its Promise rejects) instead of
 * calling `handle_error`.
 *
 * @example
 * found_terminator() { if (this._get_data().toString() === 'SHUTDOWN') throw new asyncore.ExitNow(); }
 */
export class ExitNow extends Error {
  constructor(message?: string) {
    super(message);
    this.name = 'ExitNow';
  }
}

/** Errors that leave the loop instead of reaching `handle_error` (Python adds KeyboardInterrupt, SystemExit). */
function isReraised(error: unknown): boolean {
  return error instanceof ExitNow;
}

const DISCONNECTED = new Set(['ECONNRESET', 'ENOTCONN', 'ESHUTDOWN', 'ECONNABORTED', 'EPIPE', 'EBADF']);

function isDisconnect(error: unknown): boolean {
  return isOSError(error) && DISCONNECTED.has(error.code);
}

// --- socket map access (a Map or a plain object) -------------------------------------------------

function mapGet(map: SocketMap, fd: number): dispatcher | undefined {
  return map instanceof Map ? map.get(fd) : Object.prototype.hasOwnProperty.call(map, fd) ? map[fd] : undefined;
}

function mapSet(map: SocketMap, fd: number, channel: dispatcher): void {
  if (map instanceof Map) map.set(fd, channel);
  else map[fd] = channel;
}

function mapDelete(map: SocketMap, fd: number): void {
  if (map instanceof Map) map.delete(fd);
  else delete map[fd];
}

function mapEntries(map: SocketMap): [number, dispatcher][] {
  if (map instanceof Map) return Array.from(map);
  return Object.keys(map).map((key) => [Number(key), map[Number(key)]] as [number, dispatcher]);
}

function mapSize(map: SocketMap): number {
  return map instanceof Map ? map.size : Object.keys(map).length;
}

function mapClear(map: SocketMap): void {
  if (map instanceof Map) map.clear();
  else for (const key of Object.keys(map)) delete map[Number(key)];
}

// --- handlers that return a rejected Promise ---------------------------------------------------

/**
 * Errors from handler Promises that must leave the loop (`ExitNow`, or a `handle_error` that
 * failed itself), per socket map: a rejection arrives outside any round, so the next round of the
 * loop serving the channel's map rethrows it, and that `loop()` rejects as it would have for the
 * synchronous throw.
 */
const deferredLoopErrors = new WeakMap<SocketMap, unknown>();

function deferToLoop(map: SocketMap, error: unknown): void {
  // The first one wins, as a synchronous throw ends the round at the first.
  if (!deferredLoopErrors.has(map)) deferredLoopErrors.set(map, error);
}

function rethrowDeferred(map: SocketMap): void {
  if (!deferredLoopErrors.has(map)) return;
  const error = deferredLoopErrors.get(map);
  deferredLoopErrors.delete(map);
  throw error;
}

/**
 * A handler's Promise rejected: the channel's error, as in the `read` / `write` wrappers. What
 * `handle_error` (or its `handle_close`) sends is flushed, since no round will do it.
 */
function channelRejected(obj: dispatcher, error: unknown, fromErrorHandler: boolean): void {
  const map = obj._map;
  // ExitNow leaves the loop; so does a failure of handle_error itself (as its synchronous throw
  // does), and sending it back to handle_error could loop forever.
  if (isReraised(error) || fromErrorHandler) {
    deferToLoop(map, error);
    return;
  }
  try {
    observeErrorHandlerResult(obj, obj.handle_error(error));
  } catch (failure) {
    deferToLoop(map, failure);
  } finally {
    flushChannel(obj);
  }
}

routeRejectionsTo(channelRejected);

// --- the event wrappers ---------------------------------------------------------------------

function flushChannel(channel: dispatcher): void {
  const socket = channel.socket as unknown;
  if (socket instanceof ChannelSocket) socket.flush();
}

/**
 * One read event for `obj`: `handle_read_event()`, with any error except `ExitNow` sent to
 * `obj.handle_error(error)`. What the handlers sent during the event is then written at once.
 *
 * @example
 * asyncore.read(channel); // as asyncore.poll does when select() reports it readable
 */
export function read(obj: dispatcher): void {
  try {
    observeHandlerResult(obj, obj.handle_read_event());
  } catch (error) {
    if (isReraised(error)) throw error;
    observeErrorHandlerResult(obj, obj.handle_error(error));
  } finally {
    flushChannel(obj);
  }
}

/**
 * One write event for `obj`: `handle_write_event()`, errors to `handle_error` as in `read`.
 *
 * @example
 * asyncore.write(channel);
 */
export function write(obj: dispatcher): void {
  try {
    observeHandlerResult(obj, obj.handle_write_event());
  } catch (error) {
    if (isReraised(error)) throw error;
    observeErrorHandlerResult(obj, obj.handle_error(error));
  } finally {
    flushChannel(obj);
  }
}

/** poll2's per-channel dispatch: read, write, then `handle_close` on a hang-up or error. */
function readwrite(obj: dispatcher, readable: boolean, writable: boolean, hungUp: boolean): void {
  try {
    if (readable) observeHandlerResult(obj, obj.handle_read_event());
    if (writable) observeHandlerResult(obj, obj.handle_write_event());
    if (hungUp) observeHandlerResult(obj, obj.handle_close());
  } catch (error) {
    if (isReraised(error)) throw error;
    if (isOSError(error) && isDisconnect(error)) observeHandlerResult(obj, obj.handle_close());
    else observeErrorHandlerResult(obj, obj.handle_error(error));
  } finally {
    flushChannel(obj);
  }
}

function readReady(obj: dispatcher): boolean {
  const socket = obj.socket as unknown;
  return socket instanceof ChannelSocket && socket.readReady();
}

function writeReady(obj: dispatcher): boolean {
  const socket = obj.socket as unknown;
  return socket instanceof ChannelSocket && socket.writeReady();
}

function hungUp(obj: dispatcher): boolean {
  const socket = obj.socket as unknown;
  return socket instanceof ChannelSocket && socket.hungUp();
}

/** Lets Node's event loop run (timers and I/O): rounds that find work never starve it. */
function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(seconds: number | null): Promise<void> {
  if (seconds === null) return new Promise(() => undefined);
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, seconds * 1000)));
}

interface Interest {
  fd: number;
  obj: dispatcher;
  read: boolean;
  write: boolean;
}

/**
 * Asks every channel `readable()` / `writable()` once (Python's fd lists), and pauses the Node
 * socket of a channel that does not want input.
 */
function collectInterest(map: SocketMap): Interest[] {
  const interests: Interest[] = [];
  for (const [fd, obj] of mapEntries(map)) {
    const is_r = Boolean(obj.readable());
    const is_w = Boolean(obj.writable());
    const socket = obj.socket as unknown;
    if (socket instanceof ChannelSocket) socket.setReadInterest(is_r);
    if (is_r || is_w) interests.push({ fd, obj, read: is_r, write: is_w && !obj.accepting });
  }
  return interests;
}

/**
 * Waits (up to `timeout` seconds) until one of the interests is ready; true if one is. With
 * `hangUps`, a reset or failed socket counts as ready too (poll() always reports POLLHUP/POLLERR).
 */
async function select(interests: Interest[], timeout: number | null, hangUps: boolean): Promise<boolean> {
  const ready = (): boolean =>
    interests.some(
      (interest) =>
        (interest.read && readReady(interest.obj)) || (interest.write && writeReady(interest.obj)) || (hangUps && hungUp(interest.obj)),
    );
  if (ready()) return true;
  if (timeout !== null && timeout <= 0) return false;
  const deadline = timeout === null ? Infinity : Date.now() + timeout * 1000;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) return ready();
    await waitForActivity(timeout === null ? null : left / 1000);
    if (ready()) return true;
  }
}

/**
 * One round of the select()-style loop: all reads, then all writes, for the channels that are
 * ready, waiting at most `timeout` seconds for one to be.
 *
 * @example
 * await asyncore.poll(0.1, map);
 */
export async function poll(timeout: number | null = 0.0, map: SocketMap = socket_map): Promise<void> {
  await yieldToEventLoop();
  rethrowDeferred(map);
  if (mapSize(map) === 0) return;
  const interests = collectInterest(map);
  if (interests.length === 0) {
    await sleep(timeout);
    return;
  }
  if (!(await select(interests, timeout, false))) return;
  const readers = interests.filter((interest) => interest.read && readReady(interest.obj));
  const writers = interests.filter((interest) => interest.write && writeReady(interest.obj));
  for (const { fd } of readers) {
    const obj = mapGet(map, fd);
    if (obj !== undefined) read(obj);
  }
  for (const { fd } of writers) {
    const obj = mapGet(map, fd);
    if (obj !== undefined) write(obj);
  }
}

/**
 * One round of the poll()-style loop: per channel, read, write, and `handle_close()` when the
 * connection was reset or failed (POLLHUP/POLLERR), as Python's `poll2` / `readwrite`.
 *
 * @example
 * await asyncore.poll2(0.1, map);
 */
export async function poll2(timeout: number | null = 0.0, map: SocketMap = socket_map): Promise<void> {
  await yieldToEventLoop();
  rethrowDeferred(map);
  if (mapSize(map) === 0) return;
  const interests = collectInterest(map);
  if (interests.length === 0) {
    // Python registers nothing and poll() just waits out the timeout.
    await sleep(timeout);
    return;
  }
  if (!(await select(interests, timeout, true))) return;
  const events = interests.map((interest) => ({
    fd: interest.fd,
    readable: interest.read && readReady(interest.obj),
    writable: interest.write && writeReady(interest.obj),
    hungUp: hungUp(interest.obj),
  }));
  for (const event of events) {
    if (!event.readable && !event.writable && !event.hungUp) continue;
    const obj = mapGet(map, event.fd);
    if (obj !== undefined) readwrite(obj, event.readable, event.writable, event.hungUp);
  }
}

/** Python's alias. */
export const poll3 = poll2;

/** `loop()`'s arguments as one object. */
export interface LoopOptions {
  /** Seconds one round waits at most for a channel to be ready (default 30; `null`: no limit). */
  timeout?: number | null;
  /** Use the poll()-style round (`poll2`) instead of the select()-style one. */
  use_poll?: boolean;
  /** The channels to serve (default `socket_map`). */
  map?: SocketMap | null;
  /** Stop after this many rounds (default: run until the map is empty). */
  count?: number | null;
}

/**
 * Serves the channels of `map` until it is empty, or for `count` rounds of at most `timeout`
 * seconds each. Resolves then; rejects if a handler throws `ExitNow`.
 *
 * @example
 * await asyncore.loop();                                // until every channel has closed
 * await asyncore.loop({ timeout: 0.01, count: 300 });   // at most ~3 s
 * await asyncore.loop(0.01, true, map, 300);            // Python's positional form
 */
export function loop(
  timeout?: number | null | LoopOptions,
  use_poll?: boolean,
  map?: SocketMap | null,
  count?: number | null,
): Promise<void> {
  if (timeout !== null && typeof timeout === 'object') {
    return runLoop(timeout.timeout === undefined ? 30.0 : timeout.timeout, Boolean(timeout.use_poll), timeout.map ?? socket_map, timeout.count ?? null);
  }
  return runLoop(timeout === undefined ? 30.0 : timeout, Boolean(use_poll), map ?? socket_map, count ?? null);
}

async function runLoop(timeout: number | null, use_poll: boolean, map: SocketMap, count: number | null): Promise<void> {
  if (timeout !== null && (typeof timeout !== 'number' || Number.isNaN(timeout))) {
    throw new TypeError(`loop(): timeout must be a number of seconds or null, got ${String(timeout)}`);
  }
  const poll_fun = use_poll ? poll2 : poll;
  if (count === null) {
    while (mapSize(map) > 0) await poll_fun(timeout, map);
  } else {
    while (mapSize(map) > 0 && count > 0) {
      await poll_fun(timeout, map);
      count = count - 1;
    }
  }
  // The last round may have emptied the map while a handler's Promise rejected with ExitNow.
  rethrowDeferred(map);
}

/**
 * Closes every channel of `map` and clears it. EBADF is ignored; other errors are thrown unless
 * `ignore_all`.
 *
 * @example
 * asyncore.close_all();
 */
export function close_all(map: SocketMap | null = null, ignore_all = false): void {
  const channels = map ?? socket_map;
  for (const [, channel] of mapEntries(channels)) {
    try {
      channel.close();
    } catch (error) {
      if (isOSError(error) && error.code === 'EBADF') continue;
      if (isReraised(error)) throw error;
      if (!ignore_all) throw error;
    }
  }
  mapClear(channels);
}

/**
 * Python's `compact_traceback()` for `error`: `[[file, function, line], type, value, info]`, where
 * info lists the stack from the outermost frame as `[file|function|line] ...`.
 *
 * @example
 * const [, type, value, info] = asyncore.compact_traceback(error);
 */
export function compact_traceback(error: unknown): [[string, string, string], string, string, string] {
  const type = error instanceof Error ? error.name : typeof error;
  const value = error instanceof Error ? error.message : String(error);
  const frames: [string, string, string][] = [];
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  for (const line of stack.split('\n')) {
    const match = /^\s+at (?:(.*?) \()?(.*?):(\d+):\d+\)?$/.exec(line);
    if (match !== null) frames.push([match[2], match[1] ?? '?', match[3]]);
  }
  frames.reverse();
  const innermost = frames[frames.length - 1] ?? ['?', '?', '?'];
  const info = frames.map(([file, func, line]) => `[${file}|${func}|${line}]`).join(' ');
  return [innermost, type, value, info];
}

let nextObjectId = 1;
const CONVERSATION = Symbol('asynchat.recording');

function addressText(address: unknown): string {
  if (Array.isArray(address) && address.length === 2 && typeof address[1] === 'number') {
    return `${String(address[0])}:${address[1]}`;
  }
  if (Array.isArray(address)) return `(${address.map((part) => (typeof part === 'string' ? `'${part}'` : String(part))).join(', ')})`;
  return typeof address === 'string' ? `'${address}'` : String(address);
}

/**
 * Python's `asyncore.dispatcher`: a socket in a socket map, with `handle_*` events.
 *
 * `socket` is `null` until `create_socket()` / a socket argument; it is typed as present, as
 * Python code uses it.
 *
 * @example
 * class Client extends asyncore.dispatcher {
 *   constructor(port: number) {
 *     super();
 *     this.create_socket(asyncore.AF_INET, asyncore.SOCK_STREAM);
 *     this.connect(['127.0.0.1', port]);
 *   }
 *   override handle_connect() { this.send(Buffer.from('hello\n')); }
 *   override handle_read() { console.log(this.recv(8192).toString()); }
 * }
 */
export class dispatcher {
  declare debug: boolean;
  declare connected: boolean;
  declare accepting: boolean;
  declare connecting: boolean;
  declare closing: boolean;
  declare addr: Address | null;
  declare ignore_log_types: ReadonlySet<string>;
  declare socket: ChannelSocket;
  /** Set by `create_socket()`. */
  declare family_and_type: [number, number];
  _map: SocketMap;
  _fileno: number | null;
  readonly #objectId = nextObjectId++;
  /**
   * The recording of this channel (ASYNCHAT_RECORD / record()), when it is an accepted one. A
   * symbol key rather than a #private field: methods called with a foreign `this` (a test double,
   * `dispatcher.prototype.send.call(...)`) must keep working.
   */
  declare [CONVERSATION]: Conversation | null;

  /**
   * With `sock` (a Node socket, for example the one `handle_accepted` receives): registers the
   * channel in `map` (default `socket_map`) as connected.
   */
  constructor(sock: SocketArgument | null = null, map: SocketMap | null = null) {
    announceHandlerClass(new.target);
    this._map = map ?? socket_map;
    this._fileno = null;
    if (sock) {
      if (sock instanceof net.Socket) {
        const conversation = conversationFor(sock, new.target.name);
        if (conversation !== null) this[CONVERSATION] = conversation;
      }
      const socket = sock instanceof net.Socket ? ChannelSocket.fromNodeSocket(sock) : sock;
      socket.setblocking?.(false);
      this.set_socket(socket, map);
      this.connected = true;
      try {
        this.addr = socket.getpeername();
      } catch (error) {
        if (isOSError(error) && (error.code === 'ENOTCONN' || error.code === 'EINVAL')) {
          this.connected = false;
        } else {
          this.del_channel(map);
          throw error;
        }
      }
    } else {
      this.socket = null as unknown as ChannelSocket; // Python's None; typed as present (see above)
    }
  }

  /** `<ClassName [listening|connected] host:port at 0x..>`, as Python's repr. */
  __repr__(): string {
    const status = [this.constructor.name];
    if (this.accepting && this.addr) status.push('listening');
    else if (this.connected) status.push('connected');
    if (this.addr !== null && this.addr !== undefined) status.push(addressText(this.addr));
    return `<${status.join(' ')} at 0x${this.#objectId.toString(16)}>`;
  }

  toString(): string {
    return this.__repr__();
  }

  add_channel(map: SocketMap | null = null): void {
    mapSet(map ?? this._map, this._fileno as number, this);
  }

  del_channel(map: SocketMap | null = null): void {
    const fd = this._fileno;
    const channels = map ?? this._map;
    if (fd !== null && mapGet(channels, fd) !== undefined) mapDelete(channels, fd);
    this._fileno = null;
  }

  /** Creates a non-blocking socket and registers this channel in its map. */
  create_socket(family: number = AF_INET, type: number = SOCK_STREAM): void {
    this.family_and_type = [family, type];
    const sock = new ChannelSocket(family, type);
    sock.setblocking(false);
    this.set_socket(sock);
  }

  set_socket(sock: SocketArgument, map: SocketMap | null = null): void {
    this.socket = sock instanceof net.Socket ? ChannelSocket.fromNodeSocket(sock) : sock;
    this._fileno = this.socket.fileno();
    this.add_channel(map);
  }

  /** Sets SO_REUSEADDR (Node's listeners set it anyway); errors are ignored, as in Python. */
  set_reuse_addr(): void {
    try {
      this.socket.setsockopt(SOL_SOCKET, SO_REUSEADDR, this.socket.getsockopt(SOL_SOCKET, SO_REUSEADDR) | 1);
    } catch (error) {
      if (!isOSError(error)) throw error;
    }
  }

  readable(): boolean | number {
    return true;
  }

  writable(): boolean | number {
    return true;
  }

  /** Listens; the listener is live (and `getsockname()` exact) when this returns. */
  listen(num: number): void {
    this.accepting = true;
    return this.socket.listen(num);
  }

  /** Records `addr` (the requested address: port 0 stays 0) and binds. */
  bind(addr: Address): void {
    this.addr = addr;
    return this.socket.bind(addr);
  }

  /**
   * Starts connecting. Completion is seen by the loop: `handle_connect()` runs then (always later
   * on Node, never inside this call).
   */
  connect(address: Address): void {
    this.connected = false;
    this.connecting = true;
    const err = this.socket.connect_ex(address);
    if (err === errnoNumbers.EINPROGRESS || err === errnoNumbers.EALREADY || err === errnoNumbers.EWOULDBLOCK) {
      this.addr = address;
      return;
    }
    if (err === 0 || err === errnoNumbers.EISCONN) {
      this.addr = address;
      this.handle_connect_event();
    } else {
      throw osError(errnoName(err));
    }
  }

  /** `[nodeSocket, address]`, or `null` when no connection is waiting. */
  accept(): [net.Socket, Address] | null {
    try {
      const pair = this.socket.accept();
      noteAccepted(this, pair[0]);
      return pair;
    } catch (error) {
      if (error instanceof TypeError) return null;
      if (isOSError(error) && (error.code === 'EWOULDBLOCK' || error.code === 'ECONNABORTED' || error.code === 'EAGAIN')) {
        return null;
      }
      throw error;
    }
  }

  /** Sends; returns the number of bytes taken (0 when it would block or the peer is gone). */
  send(data: Uint8Array): number {
    try {
      const sent = this.socket.send(data);
      this[CONVERSATION]?.sent(data, sent);
      return sent;
    } catch (error) {
      if (isOSError(error)) {
        if (error.code === 'EWOULDBLOCK' || error.code === 'EAGAIN') return 0;
        if (DISCONNECTED.has(error.code)) {
          this[CONVERSATION]?.failed(error.code);
          observeHandlerResult(this, this.handle_close());
          return 0;
        }
      }
      throw error;
    }
  }

  /** Bytes already received (at most `buffer_size`); at end of stream `handle_close()` then empty. */
  recv(buffer_size: number): Buffer {
    try {
      const data = this.socket.recv(buffer_size);
      this[CONVERSATION]?.received(data);
      if (data.length === 0) {
        observeHandlerResult(this, this.handle_close());
        return Buffer.alloc(0);
      }
      return data;
    } catch (error) {
      if (isDisconnect(error)) {
        this[CONVERSATION]?.failed((error as { code: string }).code);
        observeHandlerResult(this, this.handle_close());
        return Buffer.alloc(0);
      }
      throw error;
    }
  }

  close(): void {
    this[CONVERSATION]?.closed();
    if (this[CONVERSATION]) this[CONVERSATION] = null;
    this.connected = false;
    this.accepting = false;
    this.connecting = false;
    this.del_channel();
    if (this.socket !== null && this.socket !== undefined) {
      try {
        this.socket.close();
      } catch (error) {
        if (!(isOSError(error) && (error.code === 'ENOTCONN' || error.code === 'EBADF'))) throw error;
      }
    }
  }

  /** Writes `log: <message>` to stderr. */
  log(message: unknown): void {
    process.stderr.write(`log: ${String(message)}\n`);
  }

  /** Prints `<type>: <message>` to stdout unless `type` is in `ignore_log_types`. */
  log_info(message: unknown, type = 'info'): void {
    const ignored = this.ignore_log_types as ReadonlySet<string> | readonly string[] | null | undefined;
    const isIgnored = ignored instanceof Set ? ignored.has(type) : Array.isArray(ignored) ? ignored.includes(type) : false;
    if (!isIgnored) process.stdout.write(`${type}: ${String(message)}\n`);
  }

  handle_read_event(): void {
    if (this.accepting) {
      observeHandlerResult(this, this.handle_accept());
    } else if (!this.connected) {
      if (this.connecting) observeHandlerResult(this, this.handle_connect_event());
      observeHandlerResult(this, this.handle_read());
    } else {
      observeHandlerResult(this, this.handle_read());
    }
  }

  handle_connect_event(): void {
    const err = this.socket.getsockopt(SOL_SOCKET, SO_ERROR);
    if (err !== 0) throw osError(errnoName(err));
    observeHandlerResult(this, this.handle_connect());
    this.connected = true;
    this.connecting = false;
  }

  handle_write_event(): void {
    if (this.accepting) return;
    if (!this.connected) {
      if (this.connecting) observeHandlerResult(this, this.handle_connect_event());
    }
    observeHandlerResult(this, this.handle_write());
  }

  handle_expt_event(): void {
    const err = this.socket.getsockopt(SOL_SOCKET, SO_ERROR);
    if (err !== 0) observeHandlerResult(this, this.handle_close());
    else observeHandlerResult(this, this.handle_expt());
  }

  /**
   * Logs the error (through `log_info(..., 'error')`: the channel, the error and its stack) and
   * closes the channel. The loop passes the error; Python reads it from `sys.exc_info()`.
   */
  handle_error(error?: unknown): void {
    const [, type, value, info] = compact_traceback(error);
    let self_repr: string;
    try {
      self_repr = this.__repr__();
    } catch {
      self_repr = `<__repr__(self) failed for object at 0x${this.#objectId.toString(16)}>`;
    }
    this.log_info(`uncaptured python exception, closing channel ${self_repr} (${type}:${value} ${info})`, 'error');
    observeHandlerResult(this, this.handle_close());
  }

  handle_expt(): void {
    this.log_info('unhandled incoming priority event', 'warning');
  }

  handle_read(): void {
    this.log_info('unhandled read event', 'warning');
  }

  handle_write(): void {
    this.log_info('unhandled write event', 'warning');
  }

  handle_connect(): void {
    this.log_info('unhandled connect event', 'warning');
  }

  handle_accept(): void {
    const pair = this.accept();
    if (pair !== null) observeHandlerResult(this, this.handle_accepted(pair[0], pair[1]));
  }

  /** Receives an accepted Node socket: `new Handler(sock)` takes it. The default closes it. */
  handle_accepted(sock: net.Socket, _addr: Address): void {
    sock.destroy();
    this.log_info('unhandled accepted event', 'warning');
  }

  handle_close(): void {
    this.log_info('unhandled close event', 'warning');
    this.close();
  }
}

dispatcher.prototype.debug = false;
dispatcher.prototype.connected = false;
dispatcher.prototype.accepting = false;
dispatcher.prototype.connecting = false;
dispatcher.prototype.closing = false;
dispatcher.prototype.addr = null;
dispatcher.prototype.ignore_log_types = new Set(['warning']);
dispatcher.prototype[CONVERSATION] = null;

/**
 * Python's `asyncore.dispatcher_with_send`: `send()` appends to `out_buffer` and sends what it can.
 *
 * @example
 * class Greeter extends asyncore.dispatcher_with_send {
 *   override handle_connect() { this.send(Buffer.from('hello\n')); }
 * }
 */
export class dispatcher_with_send extends dispatcher {
  out_buffer: Buffer;

  constructor(sock: SocketArgument | null = null, map: SocketMap | null = null) {
    super(sock, map);
    this.out_buffer = Buffer.alloc(0);
  }

  initiate_send(): void {
    const num_sent = dispatcher.prototype.send.call(this, this.out_buffer.subarray(0, 65536));
    this.out_buffer = this.out_buffer.subarray(num_sent);
  }

  override handle_write(): void {
    this.initiate_send();
  }

  override writable(): boolean | number {
    return !this.connected || this.out_buffer.length;
  }

  /** Queues `data` and sends what it can; returns `data`'s length (Python returns None). */
  override send(data: Uint8Array): number {
    if (this.debug) this.log_info(`sending ${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('latin1')}`);
    this.out_buffer = Buffer.concat([this.out_buffer, data]);
    this.initiate_send();
    return data.length;
  }
}
