#!/usr/bin/env node
// Benchmark of recording and replay (issue 11), all in one run on the same machine:
//
//   pnpm build && node scripts/bench/recording.mjs [--quick] [--write] [--lines N] [--rounds R] [--conversations C]
//
// 1. The shim line workload of scripts/bench/shim.mjs (lines of 16 bytes over 127.0.0.1, sent by a
//    separate process in 1 MiB writes; shim-count and shim-echo receivers), each receiver run with
//    recording off and with ASYNCHAT_RECORD on (no sampling, bounds raised so that everything is
//    recorded), off and on back to back in every round; the ratio on/off is taken within each
//    round, then the median over the rounds.
// 2. `asynchat-migrate verify` throughput: C conversations (default 1,000; 20 clients at a time,
//    each conversation 4 ECHO lines answered one by one, then QUIT) recorded on
//    fixtures/verify/line-server.cjs, then replayed by the CLI against a fresh start of the same
//    server (`--run`); conversations per second and recorded bytes (both directions) per second,
//    from the command's start to its exit (the server's start included).
// --write puts the table into docs/benchmarks.md (the recording section).
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRun, lineReaderOf, loadBuiltPackage, median, parseArguments, spawnSender, startReceiver, writeBenchmarkSection } from './loopback-workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const shimBench = join(here, 'shim.mjs');
const lineServer = join(root, 'fixtures', 'verify', 'line-server.cjs');
const cli = join(root, 'packages', 'codemod', 'dist', 'cli', 'main.js');
const { argv, option } = parseArguments();
const quick = argv.includes('--quick');
const lines = Number(option('--lines', quick ? 100_000 : 500_000));
const rounds = Number(option('--rounds', quick ? 1 : 3));
const conversationCount = Number(option('--conversations', 1000));
const scratch = fs.mkdtempSync(join(tmpdir(), 'asynchat-bench-recording-'));

/** One receiver process (1 warm-up + 2 timed connections) with or without recording; the timed rates. */
async function measure(mode, recording) {
  const dir = join(scratch, `${mode}-${Date.now()}`);
  const saved = { ...process.env };
  if (recording) Object.assign(process.env, { ASYNCHAT_RECORD: dir, ASYNCHAT_RECORD_MAX_BYTES: String(16 * 1024 ** 3), ASYNCHAT_RECORD_MAX_CONVERSATIONS: '1000' });
  const { port, nextLine, exited } = await startReceiver(process.execPath, [shimBench, '--receiver', mode, '3']);
  process.env = saved;
  const rates = [];
  for (let index = 0; index < 3; index++) {
    const sender = spawnSender(shimBench, port, lines, ['ignore', 'pipe', 'inherit']);
    const senderLine = lineReaderOf(sender, 'sender');
    const [received, sent] = await Promise.all([nextLine().then(JSON.parse), senderLine().then(JSON.parse), once(sender, 'exit')]);
    if (received.frames !== lines) throw new Error(`${mode}: ${received.frames} frames, expected ${lines}`);
    if (mode === 'shim-echo' && !sent.matches) throw new Error(`${mode}: the echo did not match`);
    if (index > 0) rates.push({ rate: lines / sent.seconds, cpuRate: lines / received.cpu });
  }
  await exited;
  let bytes = 0;
  if (recording) for (const name of fs.readdirSync(dir)) bytes += fs.statSync(join(dir, name)).size;
  fs.rmSync(dir, { recursive: true, force: true });
  return { rates, bytes };
}

async function recordingCost() {
  const rows = [];
  for (const mode of ['shim-count', 'shim-echo']) {
    const off = [];
    const on = [];
    const ratios = [];
    const cpuRatios = [];
    let recordedBytes = 0;
    for (let round = 1; round <= rounds; round++) {
      const plain = await measure(mode, false);
      const recorded = await measure(mode, true);
      off.push(...plain.rates);
      on.push(...recorded.rates);
      recordedBytes = recorded.bytes / 3;
      ratios.push(median(recorded.rates.map((r) => r.rate)) / median(plain.rates.map((r) => r.rate)));
      cpuRatios.push(median(recorded.rates.map((r) => r.cpuRate)) / median(plain.rates.map((r) => r.cpuRate)));
      console.error(`round ${round} ${mode}: off ${plain.rates.map((r) => (r.rate / 1e6).toFixed(2)).join(' ')}, on ${recorded.rates.map((r) => (r.rate / 1e6).toFixed(2)).join(' ')} M lines/s`);
    }
    rows.push({ mode, off: median(off.map((r) => r.rate)), on: median(on.map((r) => r.rate)), ratio: median(ratios), cpuRatio: median(cpuRatios), recordedBytes });
  }
  return rows;
}

// ------------------------------------------------------------------------------ verify throughput

async function startLineServer(env) {
  const child = spawn(process.execPath, [lineServer, '0'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const [text] = await once(child.stdout, 'data');
  return { child, port: JSON.parse(String(text)).port };
}

function conversation(port, index) {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ port, host: '127.0.0.1' });
    socket.setNoDelay(true);
    const commands = [1, 2, 3, 4].map((n) => `ECHO conversation ${index} line ${n} ${'x'.repeat(24)}\r\n`);
    let received = '';
    let sent = 0;
    const next = () => socket.write(sent < commands.length ? commands[sent++] : 'QUIT\r\n');
    socket.on('connect', next);
    socket.on('data', (chunk) => {
      received += chunk;
      if (received.endsWith('\r\n') && received.split('\r\n').length - 1 === sent && sent <= commands.length && !received.endsWith('BYE\r\n')) {
        if (sent === commands.length) sent += 1;
        next();
      }
    });
    socket.on('close', () => resolve());
    socket.on('error', reject);
  });
}

async function verifyThroughput() {
  const dir = join(scratch, 'conversations');
  const { child, port } = await startLineServer({ ASYNCHAT_RECORD: dir, ASYNCHAT_RECORD_MAX_CONVERSATIONS: String(conversationCount + 10) });
  let next = 0;
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < conversationCount) await conversation(port, next++);
    }),
  );
  child.kill();
  await once(child, 'exit');
  const files = fs.readdirSync(dir);
  let payloadBytes = 0;
  for (const name of files) {
    for (const line of fs.readFileSync(join(dir, name), 'utf8').split('\n')) {
      const event = line === '' ? null : JSON.parse(line);
      if (event?.in !== undefined) payloadBytes += Buffer.from(event.in, 'base64').length;
      if (event?.out !== undefined) payloadBytes += Buffer.from(event.out, 'base64').length;
    }
  }
  const started = performance.now();
  const result = spawnSync(process.execPath, [cli, 'verify', dir, '--run', `${JSON.stringify(process.execPath)} ${JSON.stringify(lineServer)} {port}`, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - started) / 1000;
  if (result.status !== 0) throw new Error(`verify exited ${result.status}: ${result.stderr}${result.stdout.slice(0, 2000)}`);
  const summary = JSON.parse(result.stdout).summary;
  return { conversations: files.length, matched: summary.matched, seconds, payloadBytes };
}

// ------------------------------------------------------------------------------------------- main

if (!fs.existsSync(cli)) {
  console.error(`bench recording: ${cli} not found: run 'pnpm build' first`);
  process.exit(2);
}
await loadBuiltPackage('shim');
try {
  const cost = await recordingCost();
  const replayed = await verifyThroughput();
  const load = loadavg().map((value) => value.toFixed(1)).join(', ');
  const table = [
    `## recording and verify`,
    '',
    `${describeRun('recording', quick)}; load average at the end ${load}.`,
    `Workload 1: the shim benchmark's line workload (${lines.toLocaleString('en-US')} lines of 16 bytes per connection over 127.0.0.1, 1 MiB writes, then EOF), each receiver with recording off and on (\`ASYNCHAT_RECORD\`, everything recorded), off and on back to back in each of ${rounds} round(s), 2 timed connections per process after a warm-up; ratio on/off within each round, then the median over rounds.`,
    '',
    '| receiver | recording off: M lines/s | recording on: M lines/s | on / off (wall clock) | on / off (receiver CPU) | recording bytes per connection |',
    '|---|---|---|---|---|---|',
    ...cost.map((row) => `| ${row.mode} | ${(row.off / 1e6).toFixed(2)} | ${(row.on / 1e6).toFixed(2)} | **${row.ratio.toFixed(2)}** | ${row.cpuRatio.toFixed(2)} | ${(row.recordedBytes / 1e6).toFixed(1)} MB |`),
    '',
    `Workload 2: \`asynchat-migrate verify --run\` on ${replayed.conversations.toLocaleString('en-US')} conversations recorded on \`fixtures/verify/line-server.cjs\` (20 clients at a time; 4 ECHO lines answered one by one, then QUIT), replayed against a fresh start of the same server, from the command's start to its exit (reading the recordings, starting the server, the replay with its waits, the comparison).`,
    '',
    '| conversations | matched | seconds | conversations/s | payload bytes (both directions) | payload KB/s |',
    '|---|---|---|---|---|---|',
    `| ${replayed.conversations} | ${replayed.matched} | ${replayed.seconds.toFixed(2)} | **${(replayed.conversations / replayed.seconds).toFixed(0)}** | ${replayed.payloadBytes.toLocaleString('en-US')} | ${(replayed.payloadBytes / replayed.seconds / 1000).toFixed(0)} |`,
    '',
  ].join('\n');
  console.log(table);
  if (argv.includes('--write')) writeBenchmarkSection('recording', `${table}`);
} finally {
  fs.rmSync(scratch, { recursive: true, force: true });
}
