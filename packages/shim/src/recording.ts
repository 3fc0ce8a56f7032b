import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import type * as net from 'node:net';
import { join } from 'node:path';
import { RECORDING_EXTENSION, RECORDING_FORMAT, RECORDING_VERSION, type RecordingHeader } from './recording-format';

/**
 * Recording of accepted channels' conversations (`ASYNCHAT_RECORD=<dir>`, or `record({ dir })`),
 * for `asynchat-migrate verify` to replay against the migrated program. The dispatcher calls the
 * hooks below from `accept`, its constructor, `recv`, `send` and `close`; with no recorder they
 * cost one null check.
 *
 * Every event is written with a synchronous write of its own line as it happens, so a process
 * killed with SIGKILL leaves its files complete up to the last event (the kernel has the bytes).
 * The one exception is consecutive sends of one conversation, joined into one `out` line until
 * anything else happens (another event anywhere, or the end of the current turn of Node's event
 * loop): an `async_chat` calls `send` once per `push`, and a line per push would cost a system
 * call each; the shim itself writes those bytes to the socket at the end of the event.
 */

export interface RecordOptions {
  /** The directory the conversation files go into (created, mode 0700, if missing). */
  dir: string;
  /** Stop writing once the files hold this many bytes in total (default 256 MiB). */
  maxBytes?: number;
  /** Record at most this many conversations (default 10,000). */
  maxConversations?: number;
  /** The share of accepted channels recorded, from 0 to 1 (default 1: all). */
  sample?: number;
  /** Where the sampling draws from (tests make it deterministic). Default Math.random. */
  random?: () => number;
}

/** A recording option with a value it cannot take (a sample rate above 1, a negative bound). */
export class RecordOptionError extends Error {
  override readonly name = 'RecordOptionError';
  constructor(
    readonly option: string,
    readonly value: unknown,
    reason: string,
  ) {
    super(`record(): ${option} ${reason}, got ${JSON.stringify(value)}`);
  }
}

const EMPTY = Buffer.alloc(0);
const DEFAULT_MAX_BYTES = 256 * 1024 * 1024;
const DEFAULT_MAX_CONVERSATIONS = 10_000;

/** What the recorder knows of a connection between `accept()` and the handler that wraps it. */
interface AcceptedBy {
  listen: RecordingHeader['listen'];
  listener: string;
  peer: RecordingHeader['peer'];
}

/** The recording of one channel. The dispatcher holds it and calls its methods. */
export class Conversation {
  #fd: number | null;
  readonly #recorder: Recorder;
  readonly #startedAt: number;
  /** The joined sends not written yet: one growing buffer, so a push costs a copy, not an allocation. */
  #pendingOut: Buffer = EMPTY;
  #pendingOutLength = 0;
  #pendingOutSeq = 0;
  #pendingOutT = 0;

  constructor(recorder: Recorder, fd: number, startedAt: number) {
    this.#recorder = recorder;
    this.#fd = fd;
    this.#startedAt = startedAt;
  }

  /** A chunk `recv` returned (empty: the peer's end of stream). */
  received(data: Buffer): void {
    if (this.#fd === null) return;
    if (data.length === 0) this.#write('"eof":true');
    else this.#write(`"in":"${data.toString('base64')}"`);
  }

  /** `count` bytes of `data` were taken by `send`. */
  sent(data: Uint8Array, count: number): void {
    if (this.#fd === null || count <= 0) return;
    if (this.#pendingOutLength === 0) {
      this.#recorder.flushPending();
      this.#pendingOutSeq = this.#recorder.nextSeq();
      this.#pendingOutT = this.#now();
      this.#recorder.holdPending(this);
    }
    // A copy: the caller may reuse its buffer as soon as send() returns.
    if (this.#pendingOutLength + count > this.#pendingOut.length) {
      const grown = Buffer.allocUnsafe(Math.max(4096, 2 * (this.#pendingOutLength + count)));
      this.#pendingOut.copy(grown, 0, 0, this.#pendingOutLength);
      this.#pendingOut = grown;
    }
    this.#pendingOut.set(count === data.length ? data : data.subarray(0, count), this.#pendingOutLength);
    this.#pendingOutLength += count;
  }

  /** `recv` or `send` failed with a disconnect error (a reset, a broken pipe). */
  failed(code: string): void {
    if (this.#fd === null) return;
    this.#write(`"reset":${JSON.stringify(code)}`);
  }

  /** The channel closed: the conversation's last event. */
  closed(): void {
    if (this.#fd === null) return;
    this.#write('"close":true');
    this.#finish();
  }

  /** The recording stops here (the recorder stopped): the file stays, unfinished. */
  abandon(): void {
    this.flushOut();
    this.#finish();
  }

  /** Writes the joined sends, if any (called before any other event is recorded). */
  flushOut(): void {
    if (this.#pendingOutLength === 0 || this.#fd === null) return;
    const data = this.#pendingOut.subarray(0, this.#pendingOutLength);
    this.#pendingOutLength = 0;
    this.#line(this.#pendingOutSeq, this.#pendingOutT, `"out":"${data.toString('base64')}"`);
  }

  #now(): number {
    return Math.round((performance.now() - this.#startedAt) * 1000) / 1000;
  }

  #write(body: string): void {
    this.#recorder.flushPending();
    this.#line(this.#recorder.nextSeq(), this.#now(), body);
  }

  #line(seq: number, t: number, body: string): void {
    const fd = this.#fd;
    if (fd === null) return;
    const line = `{"seq":${seq},"t":${t},${body}}\n`;
    try {
      if (!this.#recorder.reserve(Buffer.byteLength(line))) {
        // The bound is reached: a short last line says why the conversation stops here.
        writeSync(fd, `{"seq":${seq},"t":${t},"truncated":"max-bytes"}\n`);
        this.#finish();
        return;
      }
      writeSync(fd, line);
    } catch (error) {
      // A full disk must not take the service down: this conversation stops being recorded.
      warnOnce(`cannot write ${this.#recorder.dir}: ${error instanceof Error ? error.message : String(error)}`);
      this.#finish();
    }
  }

  #finish(): void {
    if (this.#fd === null) return;
    const fd = this.#fd;
    this.#fd = null;
    this.#pendingOut = EMPTY;
    this.#pendingOutLength = 0;
    this.#recorder.forget(this);
    try {
      closeSync(fd);
    } catch {
      // Already gone (EBADF after a failed write): nothing is left to close.
    }
  }
}

/**
 * A recording session: writes one conversation file per accepted channel into `dir`, within the
 * bounds. Start one with `record()` (or `ASYNCHAT_RECORD`); `stop()` ends it.
 */
export class Recorder {
  readonly dir: string;
  readonly maxBytes: number;
  readonly maxConversations: number;
  readonly sample: number;
  /** Bytes written so far, and conversations started (both count towards the bounds). */
  bytesWritten = 0;
  conversations = 0;
  readonly #random: () => number;
  readonly #run = randomBytes(6).toString('hex');
  #seq = 0;
  #stopped = false;
  readonly #pending = new Set<Conversation>();
  #flushScheduled = false;
  readonly #open = new Set<Conversation>();

  constructor(options: RecordOptions) {
    if (typeof options.dir !== 'string' || options.dir === '') throw new RecordOptionError('dir', options.dir, 'must be a directory path');
    this.dir = options.dir;
    this.maxBytes = bound('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES);
    this.maxConversations = bound('maxConversations', options.maxConversations, DEFAULT_MAX_CONVERSATIONS);
    const sample = options.sample ?? 1;
    if (typeof sample !== 'number' || !(sample >= 0 && sample <= 1)) throw new RecordOptionError('sample', sample, 'must be a number from 0 to 1');
    this.sample = sample;
    this.#random = options.random ?? Math.random;
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
  }

  get stopped(): boolean {
    return this.#stopped;
  }

  /** Starts the file of a newly wrapped accepted connection, or returns null (bounds, sampling). */
  open(accepted: AcceptedBy, handler: string): Conversation | null {
    if (this.#stopped || this.conversations >= this.maxConversations || this.bytesWritten >= this.maxBytes) return null;
    if (this.sample < 1 && !(this.#random() < this.sample)) return null;
    this.conversations += 1;
    this.flushPending();
    const startedAt = performance.timeOrigin + performance.now();
    const started = new Date(startedAt).toISOString();
    const id = `${started.replace(/[-:]/g, '')}-${process.pid}-${this.#run}-${String(this.conversations).padStart(6, '0')}`;
    const header: RecordingHeader = {
      format: RECORDING_FORMAT,
      version: RECORDING_VERSION,
      id,
      run: this.#run,
      pid: process.pid,
      started,
      startedAt,
      listen: accepted.listen,
      listener: accepted.listener,
      handler,
      peer: accepted.peer,
    };
    const line = `${JSON.stringify(header)}\n`;
    // 'wx': never follow or reuse an existing file; 0600: recordings hold users' data.
    const fd = openSync(join(this.dir, `${id}${RECORDING_EXTENSION}`), 'wx', 0o600);
    writeSync(fd, line);
    this.bytesWritten += Buffer.byteLength(line);
    const conversation = new Conversation(this, fd, startedAt - performance.timeOrigin);
    this.#open.add(conversation);
    return conversation;
  }

  nextSeq(): number {
    this.#seq += 1;
    return this.#seq;
  }

  /** Whether `bytes` more may be written; counts them if so. */
  reserve(bytes: number): boolean {
    if (this.bytesWritten + bytes > this.maxBytes) return false;
    this.bytesWritten += bytes;
    return true;
  }

  /** A conversation has joined sends waiting: written before the next event, or at the turn's end. */
  holdPending(conversation: Conversation): void {
    this.#pending.add(conversation);
    if (!this.#flushScheduled) {
      this.#flushScheduled = true;
      setImmediate(() => {
        this.#flushScheduled = false;
        this.flushPending();
      }).unref();
    }
  }

  flushPending(): void {
    if (this.#pending.size === 0) return;
    for (const conversation of this.#pending) conversation.flushOut();
    this.#pending.clear();
  }

  /** Ends the session: waiting sends are written, open files closed (their conversations stay unfinished). */
  stop(): void {
    if (this.#stopped) return;
    this.flushPending();
    this.#stopped = true;
    for (const conversation of [...this.#open]) conversation.abandon();
    if (current === this) current = null;
  }

  /** @internal a conversation was closed. */
  forget(conversation: Conversation): void {
    this.#open.delete(conversation);
  }
}

let warned = false;

/** One process warning per process: a recording problem must be visible but never noisy. */
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(`ASYNCHAT_RECORD: ${message}`, { code: 'ASYNCHAT_RECORD' });
}

function bound(option: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !(value >= 0)) throw new RecordOptionError(option, value, 'must be a number of at least 0');
  return value;
}

// ---------------------------------------------------------------------------------------------
// The process-wide recorder and the dispatcher's hooks.

let current: Recorder | null = null;
let environmentRead = false;
const acceptedConnections = new WeakMap<net.Socket, AcceptedBy>();

/**
 * Starts recording every channel accepted from now on into `options.dir` (replacing a recorder
 * started before, or by `ASYNCHAT_RECORD`). Returns the recorder; `stop()` ends the recording.
 *
 * @example
 * import { record } from '@asynchat/shim';
 * const recorder = record({ dir: '/var/lib/chat/recordings', sample: 0.1, maxBytes: 1 << 30 });
 * // ... later
 * recorder.stop();
 */
export function record(options: RecordOptions): Recorder {
  const recorder = new Recorder(options);
  environmentRead = true;
  current?.stop();
  current = recorder;
  return recorder;
}

/**
 * The recorder asked for by the environment: `ASYNCHAT_RECORD=<dir>`, with
 * `ASYNCHAT_RECORD_SAMPLE` (0 to 1), `ASYNCHAT_RECORD_MAX_BYTES` and
 * `ASYNCHAT_RECORD_MAX_CONVERSATIONS`. A bad setting is reported once as a process warning and
 * turns recording off: a recording setting must never stop the service.
 */
function recorderFromEnvironment(env: NodeJS.ProcessEnv): Recorder | null {
  const dir = env.ASYNCHAT_RECORD;
  if (dir === undefined || dir === '') return null;
  const number = (name: string): number | undefined => {
    const text = env[name];
    return text === undefined || text === '' ? undefined : Number(text);
  };
  try {
    return new Recorder({
      dir,
      sample: number('ASYNCHAT_RECORD_SAMPLE'),
      maxBytes: number('ASYNCHAT_RECORD_MAX_BYTES'),
      maxConversations: number('ASYNCHAT_RECORD_MAX_CONVERSATIONS'),
    });
  } catch (error) {
    process.emitWarning(`ASYNCHAT_RECORD: recording is off: ${error instanceof Error ? error.message : String(error)}`, { code: 'ASYNCHAT_RECORD' });
    return null;
  }
}

function activeRecorder(): Recorder | null {
  if (!environmentRead) {
    environmentRead = true;
    current = recorderFromEnvironment(process.env);
  }
  return current;
}

/** Hook (dispatcher.accept): a listener accepted `connection`; remembered until a handler wraps it. */
export function noteAccepted(listener: { constructor: { name: string }; socket: { getsockname(): unknown } }, connection: net.Socket): void {
  if (activeRecorder() === null) return;
  let listen: RecordingHeader['listen'];
  try {
    const address = listener.socket.getsockname();
    listen = typeof address === 'string' ? { path: address } : { host: String((address as unknown[])[0]), port: Number((address as unknown[])[1]) };
  } catch {
    listen = { host: connection.localAddress ?? '', port: connection.localPort ?? 0 };
  }
  const peer = connection.remoteAddress === undefined ? null : { host: connection.remoteAddress, port: connection.remotePort ?? 0 };
  acceptedConnections.set(connection, { listen, listener: listener.constructor.name, peer });
}

/** Hook (dispatcher constructor): the conversation of a handler wrapping an accepted connection, or null. */
export function conversationFor(connection: net.Socket, handler: string): Conversation | null {
  const recorder = current;
  if (recorder === null) return null;
  const accepted = acceptedConnections.get(connection);
  if (accepted === undefined) return null;
  acceptedConnections.delete(connection);
  try {
    return recorder.open(accepted, handler);
  } catch (error) {
    warnOnce(`cannot record a conversation: ${error instanceof Error ? error.message : String(error)}`);
    return null;
  }
}
