#!/usr/bin/env node
// Benchmark of @asynchat/shim (issue 3) against a raw 'data' + Buffer.indexOf framer and CPython
// 3.11 asynchat with default buffers, all measured in the same run on the same machine.
//
//   pnpm build && node scripts/bench/shim.mjs [--quick] [--write] [--lines N] [--rounds R] [--runs K]
//
// Workload: 2,000,000 lines of 16 bytes ('L' + 14 digits + '\n', 32 MB) sent over 127.0.0.1 by a
// separate Node process in 1 MiB writes that respect 'drain', then EOF; the sender also reads
// everything the receiver sends back (checked byte for byte against what it sent, in echo mode).
// Time: sender side, from the first write to the receiver's close (after the last echo).
// Each receiver runs in a fresh process serving timed connections (Node receivers first serve one
// untimed warm-up connection); the set of modes is repeated in rounds (interleaved, because this
// machine is shared); the median of all timed runs is reported, wall-clock and receiver CPU time.
//
// Receivers:
//   raw             socket 'data' handler + chunk list + Buffer.indexOf(10), counting (baseline)
//   shim-count      async_chat, terminator b'\n', _collect_incoming_data / _get_data, counting
//   shim-echo       the same, push(line + b'\n') for every line
//   asynchat-count  CPython asynchat, same handler (shim_asynchat_server.py), when python3 has it
//   asynchat-echo   CPython asynchat, push(line + b'\n') per line
// For the echo receivers the socket writes per read event are counted (shim: Node socket.write
// calls per handle_read; CPython: send() calls per handle_read).
//
// Targets (issue 3): shim-count >= 0.6x raw and >= 8x asynchat-count; shim-echo >= 5x
// asynchat-echo with at most 1 socket write per read event. --write puts the table into
// docs/benchmarks.md (the shim section only). --quick: 200,000 lines, one round. --modes a,b runs
// a subset (for profiling).
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINE_LENGTH, announcePort, connectionReporter, countLinesRaw, describeRun, lineReaderOf, listenRaw, loadBuiltPackage, median, parseArguments, sendLines, serveWithShim, spawnSender, startReceiver, writeBenchmarkSection } from './loopback-workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pythonServer = join(here, 'shim_asynchat_server.py');
const self = fileURLToPath(import.meta.url);

const { argv, option } = parseArguments();

const loadShim = () => loadBuiltPackage('shim');

// ------------------------------------------------------------------------------------------ sender

/** Sends the payload, reads the replies until the receiver closes; prints one JSON line. */
async function runSender(port, lines) {
  let echoed = 0;
  let matches = true;
  const seconds = await sendLines(port, lines, (chunk, payload) => {
    if (echoed + chunk.length > payload.length || payload.compare(chunk, 0, chunk.length, echoed, echoed + chunk.length) !== 0) {
      matches = false;
    }
    echoed += chunk.length;
  });
  process.stdout.write(`${JSON.stringify({ seconds, echoed, matches })}\n`);
}

// --------------------------------------------------------------------------------------- receivers

/** CPU seconds (user + system) this process used since `start` (a process.cpuUsage() value). */
function cpuSecondsSince(start) {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1e6;
}

async function runReceiver(mode, connections) {
  const report = connectionReporter(connections);

  if (mode === 'raw') {
    const server = await listenRaw((socket) => {
      const cpuStart = process.cpuUsage();
      countLinesRaw(socket, ({ frames, bytes, reads }) => report({ frames, bytes, reads, writes: 0, cpu: cpuSecondsSince(cpuStart) }));
    });
    announcePort(server.address().port);
    return;
  }

  const shim = await loadShim();
  const { async_chat } = shim;
  process.noDeprecation = true;
  const echo = mode === 'shim-echo';
  if (!echo && mode !== 'shim-count') throw new Error(`unknown mode ${mode}`);
  const newline = Buffer.from('\n');
  const channels = new Map();

  class LineHandler extends async_chat {
    constructor(sock) {
      super(sock, channels);
      this.set_terminator(newline);
      this.frames = 0;
      this.payload = 0;
      this.reads = 0;
      this.writes = 0;
      this.reported = false;
      this.cpuStart = process.cpuUsage();
      const nodeSocket = this.socket.nodeSocket;
      const write = nodeSocket.write;
      nodeSocket.write = (...args) => {
        this.writes++;
        return write.apply(nodeSocket, args);
      };
    }
    collect_incoming_data(data) {
      this._collect_incoming_data(data);
    }
    found_terminator() {
      const line = this._get_data();
      this.frames++;
      this.payload += line.length;
      if (echo) this.push(Buffer.concat([line, newline]));
    }
    handle_read() {
      this.reads++;
      super.handle_read();
    }
    handle_close() {
      if (!this.reported) {
        this.reported = true;
        report({ frames: this.frames, bytes: this.payload, reads: this.reads, writes: this.writes, cpu: cpuSecondsSince(this.cpuStart) });
      }
      this.close();
    }
  }

  await serveWithShim(shim, LineHandler, connections, channels);
}

// ------------------------------------------------------------------------------------ orchestrator

/** Starts a receiver, drives `connections` sender runs at it, returns the checked results. */
async function driveReceiver(mode, command, args, connections, lines) {
  const { port, nextLine, exited } = await startReceiver(command, args);
  const results = [];
  for (let i = 0; i < connections; i++) {
    const sender = spawnSender(self, port, lines, ['ignore', 'pipe', 'inherit']);
    const senderLine = lineReaderOf(sender, 'sender');
    const [received, sent] = await Promise.all([nextLine().then(JSON.parse), senderLine().then(JSON.parse), once(sender, 'exit')]);
    const expectedEcho = mode.endsWith('echo') ? lines * LINE_LENGTH : 0;
    if (received.frames !== lines || received.bytes !== lines * (LINE_LENGTH - 1)) {
      throw new Error(`${mode}: counted ${received.frames} frames / ${received.bytes} bytes, expected ${lines} / ${lines * (LINE_LENGTH - 1)}`);
    }
    if (sent.echoed !== expectedEcho || !sent.matches) {
      throw new Error(`${mode}: ${sent.echoed} bytes came back (expected ${expectedEcho}), in order: ${sent.matches}`);
    }
    results.push({ rate: lines / sent.seconds, cpuRate: lines / received.cpu, reads: received.reads, writes: received.writes });
  }
  await exited;
  return results;
}

function pythonWithAsynchat() {
  const result = spawnSync('python3', ['-W', 'ignore', '-c', 'import asynchat, sys; print(sys.version.split()[0])'], { encoding: 'utf8' });
  return result.status === 0 ? `CPython ${result.stdout.trim()}` : null;
}

async function orchestrate() {
  const quick = argv.includes('--quick');
  const lines = Number(option('--lines', quick ? 200_000 : 2_000_000));
  const rounds = Number(option('--rounds', quick ? 1 : 3));
  const timedPerProcess = Number(option('--runs', 2));
  await loadShim(); // fail early when the package is not built
  const python = pythonWithAsynchat();
  const allModes = ['raw', 'shim-count', 'shim-echo', ...(python ? ['asynchat-count', 'asynchat-echo'] : [])];
  // --modes a,b: a subset, for profiling (the table then has only the ratios it can compute).
  const only = option('--modes', null)?.split(',');
  const modes = only ? allModes.filter((mode) => only.includes(mode)) : allModes;
  const runs = Object.fromEntries(modes.map((mode) => [mode, []]));

  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes) {
      // Node modes get one untimed warm-up connection (JIT); CPython has nothing to warm up.
      const warmUp = mode.startsWith('asynchat') ? 0 : 1;
      const connections = timedPerProcess + warmUp;
      const [command, args] = mode.startsWith('asynchat')
        ? ['python3', [pythonServer, '--mode', mode.slice('asynchat-'.length), '--connections', String(connections)]]
        : [process.execPath, [self, '--receiver', mode, String(connections)]];
      const results = (await driveReceiver(mode, command, args, connections, lines)).slice(warmUp);
      runs[mode].push(...results);
      console.error(
        `round ${round} ${mode.padEnd(14)} ${results.map((result) => (result.rate / 1e6).toFixed(2)).join(' ')} M lines/s; ` +
          `${results.map((result) => (result.cpuRate / 1e6).toFixed(2)).join(' ')} M lines per receiver CPU second`,
      );
    }
  }

  const rate = (mode) => median(runs[mode].map((result) => result.rate));
  const cpuRate = (mode) => median(runs[mode].map((result) => result.cpuRate));
  const writesPerRead = (mode) => {
    const reads = runs[mode].reduce((sum, result) => sum + result.reads, 0);
    const writes = runs[mode].reduce((sum, result) => sum + result.writes, 0);
    return writes / reads;
  };
  const descriptions = {
    raw: "`'data'` + `Buffer.indexOf` framer, counting (baseline)",
    'shim-count': 'shim `async_chat`, count lines',
    'shim-echo': 'shim `async_chat`, `push(line + b"\\n")` per line',
    'asynchat-count': `${python} asynchat, count lines (default buffers)`,
    'asynchat-echo': `${python} asynchat, \`push(line + b"\\n")\` per line`,
  };
  const has = (...names) => names.every((name) => modes.includes(name));
  const ratio = (of, to, measure) => (has(of, to) ? (measure(of) / measure(to)).toFixed(2) : '—');
  const rows = modes.map((mode) => {
    const python_ = mode.replace('shim', 'asynchat');
    const list = runs[mode].map((result) => (result.rate / 1e6).toFixed(2)).join(', ');
    const perRead = mode.endsWith('echo') ? writesPerRead(mode).toFixed(3) : '—';
    const toPython = (measure) => (mode.startsWith('shim') ? ratio(mode, python_, measure) : '—');
    return (
      `| ${mode} | ${descriptions[mode]} | **${(rate(mode) / 1e6).toFixed(2)}** | ${list} | ${ratio(mode, 'raw', rate)} | ${toPython(rate)} ` +
      `| ${(cpuRate(mode) / 1e6).toFixed(2)} | ${ratio(mode, 'raw', cpuRate)} | ${toPython(cpuRate)} | ${perRead} |`
    );
  });
  const verdicts = [];
  const targets = [];
  const check = (label, of, to, target) => {
    if (!has(of, to)) return;
    const wall = rate(of) / rate(to);
    const cpu = cpuRate(of) / cpuRate(to);
    const met = wall >= target;
    if (!met) verdicts.push(`${label}: ${wall.toFixed(2)}x wall-clock, target ${target}x (short by ${((1 - wall / target) * 100).toFixed(0)}%; receiver CPU ratio ${cpu.toFixed(2)}x)`);
    targets.push(`${label} ${wall.toFixed(2)}x wall-clock, ${cpu.toFixed(2)}x receiver CPU (target >= ${target}x: ${met ? 'met' : 'MISSED'})`);
  };
  check('shim-count vs raw', 'shim-count', 'raw', 0.6);
  check('shim-count vs CPython asynchat count', 'shim-count', 'asynchat-count', 8);
  check('shim-echo vs CPython asynchat echo', 'shim-echo', 'asynchat-echo', 5);
  if (has('shim-echo')) {
    const echoWrites = writesPerRead('shim-echo');
    if (echoWrites > 1) verdicts.push(`shim-echo: ${echoWrites.toFixed(3)} socket writes per read event, target <= 1`);
    targets.push(`shim-echo socket writes per read event ${echoWrites.toFixed(3)} (target <= 1: ${echoWrites <= 1 ? 'met' : 'MISSED'})`);
  }

  const load = loadavg().map((value) => value.toFixed(1)).join(', ');
  const table = [
    `${describeRun('shim', quick, python)}; load average at the end ${load}.`,
    `Workload: ${lines.toLocaleString('en-US')} lines of ${LINE_LENGTH} bytes over 127.0.0.1, sent by a separate Node process in 1 MiB writes, then EOF; wall-clock time at the sender from the first write to the receiver's close (all echoes received and checked byte for byte), and the receiver process's CPU time (user + system) for the connection. Each mode in fresh processes (${rounds} round(s) x ${timedPerProcess} timed runs, after one untimed warm-up connection for the Node modes), median of the timed runs; line and byte counts checked on every run.`,
    '',
    '| mode | what | M lines/s (median) | runs | x raw | x CPython same mode | M lines per receiver CPU-s | x raw (CPU) | x CPython (CPU) | socket writes per read event |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `Ratios: ${targets.join('; ')}.`,
    '',
    verdicts.length === 0 ? 'All targets met in this run.' : `Targets missed in this run: ${verdicts.join('; ')}.`,
  ].join('\n');
  console.log(table);
  if (argv.includes('--write')) writeSection(table);
}

/** Replaces the shim section of docs/benchmarks.md, with the notes kept in shim-notes.md. */
function writeSection(table) {
  const notesPath = join(here, 'shim-notes.md');
  const notes = existsSync(notesPath) ? `\n\n${readFileSync(notesPath, 'utf8').trim()}` : '';
  writeBenchmarkSection('shim', `## shim\n\n${table}${notes}\n`);
}

// ------------------------------------------------------------------------------------------- main

const role = argv[0];
if (role === '--sender') await runSender(Number(argv[1]), Number(argv[2]));
else if (role === '--receiver') await runReceiver(argv[1], Number(argv[2]));
else await orchestrate();
