#!/usr/bin/env node
// Bulk-send benchmark of @asynchat/shim (issue 13): 64 MiB from a server to one fast reader over
// 127.0.0.1, the shim's send paths against raw Node, @asynchat/streams and CPython 3.11 asynchat,
// all measured in the same run on the same machine.
//
//   pnpm build && node scripts/bench/shim-bulk.mjs [--quick] [--write] [--rounds R] [--runs K] [--mebibytes M] [--modes a,b]
//
// Workload: each server process announces its port and serves connections one after the other;
// for each, a separate Node reader process connects, reads everything until EOF and checks it
// byte for byte against the payload (little-endian uint32 words counting up from 0, so a lost,
// repeated or reordered piece shows). Time: reader side, from connect to EOF. Server CPU time:
// the server process's user + system time from accept to the connection's close.
// Every mode runs in fresh processes (each server serves two untimed warm-up connections first),
// the modes run in interleaved rounds (this machine is shared), ratios are taken within a round
// and the median over the rounds is reported.
//
// Servers:
//   raw                   net server: socket.write of 1 MiB views of the payload, waiting for 'drain' (baseline)
//   streams               @asynchat/streams startServer: writer.write(1 MiB view) + await writer.drain()
//   shim-push             async_chat: push() of the 64 x 1 MiB views, close_when_done()
//   shim-simple-producer  async_chat: push_with_producer(new simple_producer(payload, 65536))
//   shim-custom-producer  async_chat: a producer whose more() returns the next 64 KiB view (medusa's style)
//   asynchat-*            CPython 3.11 asynchat, the same three (shim_asynchat_bulk_server.py), when python3 has it
//
// Targets (issue 13): every shim mode >= 1.0x CPython asynchat in the same mode and >= 0.6x raw;
// streams >= 0.9x raw. --write puts the table into docs/benchmarks.md (the shim-bulk section).
// --quick: 16 MiB, 2 rounds.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import * as net from 'node:net';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { announcePort, connectionReporter, describeRun, lineReaderOf, listenRaw, loadBuiltPackage, median, parseArguments, serveWithShim, startReceiver, writeBenchmarkSection } from './loopback-workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pythonServer = join(here, 'shim_asynchat_bulk_server.py');
const self = fileURLToPath(import.meta.url);
const MIB = 1024 * 1024;
const SLICE = 65536;

const { argv, option } = parseArguments();

/** The payload every server sends and the reader expects: uint32 LE words 0, 1, 2, ... */
function buildPayload(mebibytes) {
  const payload = Buffer.allocUnsafe(mebibytes * MIB);
  const words = new Uint32Array(payload.buffer, payload.byteOffset, payload.length / 4);
  for (let i = 0; i < words.length; i++) words[i] = i;
  // Uint32Array uses the platform's byte order; the file format is little-endian.
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1) payload.swap32();
  return payload;
}

// ------------------------------------------------------------------------------------------ reader

/** Connects, reads until EOF, checks every byte; prints `{ seconds, bytes, matches }`. */
async function runReader(port, mebibytes) {
  const payload = buildPayload(mebibytes);
  const socket = net.connect({ host: '127.0.0.1', port });
  const started = process.hrtime.bigint();
  let received = 0;
  let matches = true;
  socket.on('data', (chunk) => {
    const end = received + chunk.length;
    if (end > payload.length || payload.compare(chunk, 0, chunk.length, received, end) !== 0) matches = false;
    received = end;
  });
  await once(socket, 'end');
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  socket.destroy();
  process.stdout.write(`${JSON.stringify({ seconds, bytes: received, matches })}\n`);
}

// ----------------------------------------------------------------------------------------- servers

/** CPU seconds (user + system) this process used since `start` (a process.cpuUsage() value). */
function cpuSecondsSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

/** The system (kernel) part of the same. */
function systemSecondsSince(start) {
  return process.cpuUsage(start).system / 1e6;
}

/** Serves `connections` connections with `mode`; one JSON line `{ cpu, writes, sends }` each. */
async function runServer(mode, connections, mebibytes) {
  const payload = buildPayload(mebibytes);
  const pieces = [];
  for (let offset = 0; offset < payload.length; offset += MIB) pieces.push(payload.subarray(offset, offset + MIB));
  const report = connectionReporter(connections);

  if (mode === 'raw') {
    const server = await listenRaw(async (socket) => {
      const cpuStart = process.cpuUsage();
      socket.on('close', () => report({ cpu: cpuSecondsSince(cpuStart), system: systemSecondsSince(cpuStart), writes: pieces.length, sends: 0 }));
      socket.on('error', () => {});
      socket.resume();
      for (const piece of pieces) if (!socket.write(piece)) await once(socket, 'drain');
      socket.end();
    });
    announcePort(server.address().port);
    return;
  }

  if (mode === 'streams') {
    const { startServer } = await loadBuiltPackage('streams');
    const server = await startServer(
      async (_reader, writer) => {
        const cpuStart = process.cpuUsage();
        writer.socket.on('close', () => report({ cpu: cpuSecondsSince(cpuStart), system: systemSecondsSince(cpuStart), writes: pieces.length, sends: 0 }));
        for (const piece of pieces) {
          writer.write(piece);
          await writer.drain();
        }
        writer.close();
      },
      { host: '127.0.0.1', port: 0 },
    );
    announcePort(server.address().port);
    return;
  }

  const shim = await loadBuiltPackage('shim');
  const { async_chat, simple_producer } = shim;
  process.noDeprecation = true;
  const channels = new Map();

  /** medusa's style: each more() hands out the next 64 KiB of the payload. */
  class SliceProducer {
    constructor(data) {
      this.data = data;
      this.offset = 0;
    }
    more() {
      const piece = this.data.subarray(this.offset, this.offset + SLICE);
      this.offset += piece.length;
      return piece;
    }
  }

  class BulkHandler extends async_chat {
    constructor(sock) {
      super(sock, channels);
      this.set_terminator(null);
      this.cpuStart = process.cpuUsage();
      this.sends = 0;
      this.writes = 0;
      const nodeSocket = this.socket.nodeSocket;
      const write = nodeSocket.write;
      nodeSocket.write = (...args) => {
        this.writes++;
        return write.apply(nodeSocket, args);
      };
      nodeSocket.on('close', () => report({ cpu: cpuSecondsSince(this.cpuStart), system: systemSecondsSince(this.cpuStart), writes: this.writes, sends: this.sends }));
      if (mode === 'shim-push') for (const piece of pieces) this.push(piece);
      else if (mode === 'shim-simple-producer') this.push_with_producer(new simple_producer(payload, SLICE));
      else if (mode === 'shim-custom-producer') this.push_with_producer(new SliceProducer(payload));
      else throw new Error(`unknown mode ${mode}`);
      this.close_when_done();
    }
    collect_incoming_data() {}
    found_terminator() {}
    send(data) {
      this.sends++;
      return super.send(data);
    }
  }

  await serveWithShim(shim, BulkHandler, connections, channels);
}

// ------------------------------------------------------------------------------------ orchestrator

/** Starts a server, runs `connections` readers against it one after the other, checks them. */
async function driveServer(mode, command, args, connections, mebibytes) {
  const { port, nextLine, exited } = await startReceiver(command, args);
  const results = [];
  for (let i = 0; i < connections; i++) {
    const reader = spawn(process.execPath, [self, '--reader', String(port), String(mebibytes)], { stdio: ['ignore', 'pipe', 'inherit'] });
    const readerLine = lineReaderOf(reader, 'reader');
    const [read, served] = await Promise.all([readerLine().then(JSON.parse), nextLine().then(JSON.parse), once(reader, 'exit')]);
    if (read.bytes !== mebibytes * MIB || !read.matches) {
      throw new Error(`${mode}: the reader got ${read.bytes} bytes (expected ${mebibytes * MIB}), all matching: ${read.matches}`);
    }
    results.push({ rate: read.bytes / MIB / read.seconds, cpu: served.cpu, writes: served.writes, sends: served.sends });
  }
  await exited;
  return results;
}

function pythonWithAsynchat() {
  const result = spawnSync('python3', ['-W', 'ignore', '-c', 'import asynchat, sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
  return result.status === 0 ? `CPython ${result.stdout.trim()}` : null;
}

const WARM_UP = 2;
const SAME_MODE = { 'shim-push': 'asynchat-push', 'shim-simple-producer': 'asynchat-simple-producer', 'shim-custom-producer': 'asynchat-custom-producer' };

async function orchestrate() {
  const quick = argv.includes('--quick');
  const mebibytes = Number(option('--mebibytes', quick ? 16 : 64));
  const rounds = Number(option('--rounds', quick ? 2 : 7));
  const timedPerProcess = Number(option('--runs', 3));
  await loadBuiltPackage('shim'); // fail early when the packages are not built
  await loadBuiltPackage('streams');
  const python = pythonWithAsynchat();
  const nodeModes = ['raw', 'streams', 'shim-push', 'shim-simple-producer', 'shim-custom-producer'];
  const allModes = [...nodeModes, ...(python ? Object.values(SAME_MODE) : [])];
  const only = option('--modes', null)?.split(',');
  const modes = only ? allModes.filter((mode) => only.includes(mode)) : allModes;
  if (!modes.includes('raw')) throw new Error('--modes must include raw (every ratio is against it)');
  const loadAtStart = loadavg();
  /** rounds[r][mode] = that round's runs. */
  const perRound = [];

  for (let round = 1; round <= rounds; round++) {
    const runs = {};
    for (const mode of modes) {
      const python_ = mode.startsWith('asynchat');
      // Untimed warm-up connections for every mode: Node's JIT, and in both runtimes a first
      // timed connection measured up to 4x the CPU time of the next ones (CPython's simple_producer too).
      const warmUp = WARM_UP;
      const connections = timedPerProcess + warmUp;
      const [command, args] = python_
        ? ['python3', [pythonServer, '--mode', mode.slice('asynchat-'.length), '--connections', String(connections), '--mebibytes', String(mebibytes)]]
        : [process.execPath, [self, '--server', mode, String(connections), String(mebibytes)]];
      runs[mode] = (await driveServer(mode, command, args, connections, mebibytes)).slice(warmUp);
      console.error(
        `round ${round} ${mode.padEnd(24)} ${runs[mode].map((run) => run.rate.toFixed(0)).join(' ')} MiB/s; server CPU ` +
          `${runs[mode].map((run) => (run.cpu * 1000).toFixed(0)).join(' ')} ms; load ${loadavg()[0].toFixed(1)}`,
      );
    }
    perRound.push(runs);
  }

  const rateIn = (runs, mode) => median(runs[mode].map((run) => run.rate));
  const cpuIn = (runs, mode) => median(runs[mode].map((run) => run.cpu));
  /** Median over the rounds of a within-round ratio. */
  const roundRatio = (measure) => median(perRound.map(measure));
  const rows = [];
  const targets = [];
  const verdicts = [];
  const check = (label, value, target) => {
    const met = value >= target;
    targets.push(`${label} ${value.toFixed(2)}x (target >= ${target}x: ${met ? 'met' : 'MISSED'})`);
    if (!met) verdicts.push(`${label}: ${value.toFixed(2)}x, target ${target}x (short by ${((1 - value / target) * 100).toFixed(0)}%)`);
  };
  const descriptions = {
    raw: '`socket.write` of 1 MiB views + `drain` (baseline)',
    streams: '`writer.write(1 MiB view)` + `await writer.drain()`',
    'shim-push': '`push()` of 64 x 1 MiB views, `close_when_done()`',
    'shim-simple-producer': '`push_with_producer(new simple_producer(payload, 65536))`',
    'shim-custom-producer': 'producer whose `more()` returns the next 64 KiB view',
    'asynchat-push': `${python} asynchat \`push()\` of 64 x 1 MiB bytes`,
    'asynchat-simple-producer': `${python} \`simple_producer(memoryview(payload), 65536)\``,
    'asynchat-custom-producer': `${python} producer whose \`more()\` returns the next 64 KiB bytes slice`,
  };
  for (const mode of modes) {
    const all = perRound.flatMap((runs) => runs[mode]);
    const toRaw = roundRatio((runs) => rateIn(runs, mode) / rateIn(runs, 'raw'));
    const cpuToRaw = roundRatio((runs) => cpuIn(runs, mode) / cpuIn(runs, 'raw'));
    const python_ = SAME_MODE[mode];
    const toPython = python_ && modes.includes(python_) ? roundRatio((runs) => rateIn(runs, mode) / rateIn(runs, python_)) : null;
    const writes = median(all.map((run) => run.writes));
    const sends = median(all.map((run) => run.sends));
    rows.push(
      `| ${mode} | ${descriptions[mode]} | **${median(all.map((run) => run.rate)).toFixed(0)}** | ${all.map((run) => run.rate.toFixed(0)).join(', ')} ` +
        `| **${toRaw.toFixed(2)}** | ${toPython === null ? '—' : `**${toPython.toFixed(2)}**`} | ${(median(all.map((run) => run.cpu)) * 1000).toFixed(0)} | ${cpuToRaw.toFixed(2)} ` +
        `| ${mode === 'raw' || mode === 'streams' ? '—' : sends} | ${mode.startsWith('asynchat') || mode === 'raw' || mode === 'streams' ? '—' : writes} |`,
    );
    if (mode.startsWith('shim')) {
      check(`${mode} vs raw`, toRaw, 0.6);
      if (toPython !== null) check(`${mode} vs ${python_}`, toPython, 1.0);
    }
    if (mode === 'streams') check('streams vs raw', toRaw, 0.9);
  }

  const format = (load) => load.map((value) => value.toFixed(2)).join(' / ');
  const table = [
    `${describeRun('shim-bulk', quick, python)}; load average (1 / 5 / 15 min) ${format(loadAtStart)} at the start, ${format(loadavg())} at the end.`,
    `Workload: ${mebibytes} MiB from a server to one reader over 127.0.0.1; the reader (a separate Node process) checks every byte and times connect to EOF. Each mode in fresh processes (${rounds} round(s) x ${timedPerProcess} timed connections, after ${WARM_UP} untimed warm-up connections). Ratios: within each round (the modes run back to back), then the median over the rounds. Server CPU: user + system time of the server process from accept to close.`,
    '',
    '| mode | what | MiB/s (median) | runs (MiB/s) | x raw | x CPython same mode | server CPU ms (median) | server CPU x raw | send() calls | socket writes |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Ratios: ${targets.join('; ')}.`,
    '',
    verdicts.length === 0 ? 'All targets met in this run.' : `Targets missed in this run: ${verdicts.join('; ')}.`,
  ].join('\n');
  console.log(table);
  if (argv.includes('--write')) {
    const notesPath = join(here, 'shim-bulk-notes.md');
    const notes = existsSync(notesPath) ? `\n\n${readFileSync(notesPath, 'utf8').trim()}` : '';
    writeBenchmarkSection('shim-bulk', `## shim bulk sends\n\n${table}${notes}\n`);
  }
}

// ------------------------------------------------------------------------------------------- main

const role = argv[0];
if (role === '--reader') await runReader(Number(argv[1]), Number(argv[2]));
else if (role === '--server') await runServer(argv[1], Number(argv[2]), Number(argv[3]));
else await orchestrate();
