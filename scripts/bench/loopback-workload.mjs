// The loopback line workload shared by the streams and shim benchmarks (scripts/bench/streams.mjs,
// scripts/bench/shim.mjs): a separate Node sender process writes lines of 16 bytes
// ('L' + 14 digits + '\n') over 127.0.0.1 in 1 MiB writes that respect 'drain'; each receiver runs
// in a fresh process that prints `PORT <n>` and then one JSON line per connection. This module
// holds what both benchmarks do the same way: the command line, loading the built package, the
// sender, the raw 'data' + Buffer.indexOf baseline framer, the receiver process plumbing, the
// statistics, the machine description and writing a section of docs/benchmarks.md. Each
// benchmark keeps its own modes, timing, targets and notes.
//
//   import { LINE_LENGTH, sendLines, countLinesRaw } from './loopback-workload.mjs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

/** Bytes per line, newline included. */
export const LINE_LENGTH = 16;
const WRITE_SIZE = 1024 * 1024;

/** The script's arguments (a `--` from `pnpm bench -- ...` dropped) and `option(name, fallback)`. */
export function parseArguments() {
  const argv = process.argv.slice(2).filter((flag) => flag !== '--');
  const option = (name, fallback) => {
    const index = argv.indexOf(name);
    return index >= 0 ? argv[index + 1] : fallback;
  };
  return { argv, option };
}

/** Imports packages/<name>/dist/index.js; exits with status 2 when it is not built. */
export async function loadBuiltPackage(name) {
  const distEntry = join(root, 'packages', name, 'dist', 'index.js');
  if (!existsSync(distEntry)) {
    console.error(`bench ${name}: ${distEntry} not found: run 'pnpm build' first`);
    process.exit(2);
  }
  return import(pathToFileURL(distEntry).href);
}

// ------------------------------------------------------------------------------------------ sender

function buildPayload(lines) {
  const payload = Buffer.allocUnsafe(lines * LINE_LENGTH);
  for (let i = 0; i < lines; i++) {
    payload.write(`L${String(i).padStart(LINE_LENGTH - 2, '0')}\n`, i * LINE_LENGTH, 'latin1');
  }
  return payload;
}

/**
 * Sends `lines` lines to 127.0.0.1:`port`, then EOF, and waits for the receiver to close.
 * `onReply(chunk, payload)` sees every chunk the receiver sends back (without it, replies are
 * drained unread). Returns the seconds from the first write to the close.
 */
export async function sendLines(port, lines, onReply) {
  const payload = buildPayload(lines);
  const socket = net.connect({ host: '127.0.0.1', port, allowHalfOpen: true });
  await once(socket, 'connect');
  socket.setNoDelay(true);
  if (onReply) socket.on('data', (chunk) => onReply(chunk, payload));
  else socket.resume();
  const closed = once(socket, 'close');
  const started = process.hrtime.bigint();
  for (let offset = 0; offset < payload.length; offset += WRITE_SIZE) {
    if (!socket.write(payload.subarray(offset, offset + WRITE_SIZE))) await once(socket, 'drain');
  }
  socket.end();
  await closed;
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Starts this workload's sender (`script --sender <port> <lines>`) in a new Node process. */
export function spawnSender(script, port, lines, stdio) {
  return spawn(process.execPath, [script, '--sender', String(port), String(lines)], { stdio });
}

// --------------------------------------------------------------------------------------- receivers

/**
 * The baseline framer: a socket 'data' handler + chunk list + Buffer.indexOf(10), a Buffer per
 * frame. At EOF calls `onEnd({ frames, bytes, reads })` (payload bytes without the newlines, and
 * the number of 'data' events) and ends the socket.
 */
export function countLinesRaw(socket, onEnd) {
  const counter = rawLineCounter();
  let reads = 0;
  socket.on('data', (chunk) => {
    reads++;
    counter.feed(chunk);
  });
  socket.on('end', () => {
    onEnd({ frames: counter.frames, bytes: counter.bytes, reads });
    socket.end();
  });
}

/**
 * The raw framer every benchmark compares against: `feed(chunk)` counts the '\n'-terminated
 * frames, views where a frame lies in one chunk, one concat where it spans several.
 */
export function rawLineCounter() {
  let frames = 0;
  let bytes = 0;
  let pending = [];
  return {
    feed(chunk) {
      let start = 0;
      let newline = chunk.indexOf(10);
      if (newline !== -1 && pending.length > 0) {
        pending.push(chunk.subarray(0, newline));
        const frame = Buffer.concat(pending);
        frames++;
        bytes += frame.length;
        pending = [];
        start = newline + 1;
        newline = chunk.indexOf(10, start);
      }
      while (newline !== -1) {
        const frame = chunk.subarray(start, newline);
        frames++;
        bytes += frame.length;
        start = newline + 1;
        newline = chunk.indexOf(10, start);
      }
      if (start < chunk.length) pending.push(start === 0 ? chunk : chunk.subarray(start));
    },
    get frames() {
      return frames;
    },
    get bytes() {
      return bytes;
    },
  };
}

/**
 * A shim listener on 127.0.0.1 (port 0, announced) that builds `Handler` for each of `connections`
 * accepted sockets in the socket map `channels`, stops listening after the last, and runs the loop.
 */
export async function serveWithShim(shim, Handler, connections, channels) {
  const { dispatcher, loop, AF_INET, SOCK_STREAM } = shim;
  class Listener extends dispatcher {
    constructor() {
      super(null, channels);
      this.create_socket(AF_INET, SOCK_STREAM);
      this.set_reuse_addr();
      this.bind(['127.0.0.1', 0]);
      this.listen(5);
      this.remaining = connections;
    }
    handle_accepted(sock) {
      new Handler(sock);
      this.remaining -= 1;
      if (this.remaining === 0) this.close();
    }
  }
  const listener = new Listener();
  announcePort(listener.socket.getsockname()[1]);
  await loop({ timeout: 1.0, map: channels });
}

/** A raw-baseline receiver on 127.0.0.1, port 0; `onConnection(socket)` per accepted socket. */
export async function listenRaw(onConnection) {
  const server = net.createServer({ allowHalfOpen: true }, onConnection);
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Tells the orchestrator which port the receiver listens on (its first output line). */
export function announcePort(port) {
  process.stdout.write(`PORT ${port}\n`);
}

/** Prints one JSON line per connection; the receiver process exits after the `connections`-th. */
export function connectionReporter(connections) {
  let remaining = connections;
  return (result) => {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    remaining -= 1;
    if (remaining === 0) setImmediate(() => process.exit(0));
  };
}

/** Reads a child's stdout line by line; throws when it ends first. */
export function lineReaderOf(child, what) {
  const iterator = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await iterator.next();
    if (done) throw new Error(`${what} exited early`);
    return value;
  };
}

/** Starts a receiver process and reads its port: `{ port, nextLine, exited }`. */
export async function startReceiver(command, args) {
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = once(child, 'exit');
  const nextLine = lineReaderOf(child, `${command} ${args.join(' ')}`);
  const portLine = await nextLine();
  const port = Number(/^PORT (\d+)$/.exec(portLine)?.[1]);
  if (!port) throw new Error(`unexpected receiver output: ${portLine}`);
  return { port, nextLine, exited };
}

// ------------------------------------------------------------------------------------ orchestrator

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function machine() {
  let cpu = 'unknown CPU';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? cpu;
  } catch {
    // not Linux: keep 'unknown CPU'
  }
  return { cores: availableParallelism(), cpu, node: process.version };
}

/** "Benchmark: `scripts/bench/<name>.mjs`, run <time> UTC on <machine>[, <python>]" (no full stop). */
export function describeRun(name, quick, python) {
  const { cores, cpu, node } = machine();
  return `Benchmark: \`scripts/bench/${name}.mjs\`${quick ? ' (`--quick`)' : ''}, run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC on ${cores} cores, ${cpu}, Node ${node}${python ? `, ${python}` : ''}`;
}

/** Replaces the `<!-- name:start -->`..`<!-- name:end -->` section of docs/benchmarks.md (re-read right before writing). */
export function writeBenchmarkSection(name, body) {
  const docPath = join(root, 'docs', 'benchmarks.md');
  const text = readFileSync(docPath, 'utf8');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from === -1 || to === -1 || to < from) throw new Error(`${docPath}: ${name} markers not found`);
  writeFileSync(docPath, `${text.slice(0, from + start.length)}\n${body}${text.slice(to)}`);
  console.error(`wrote the ${name} section of ${docPath}`);
}
