#!/usr/bin/env node
// Benchmark of @asynchat/streams (issue 2) against a raw 'data' + Buffer.indexOf framer and CPython
// 3.11 asyncio, all measured in the same run on the same machine.
//
//   pnpm build && node scripts/bench/streams.mjs [--quick] [--write]
//
// Workload: 2,000,000 lines of 16 bytes ('L' + 14 digits + '\n', 32 MB) sent over 127.0.0.1 by a
// separate Node process in 1 MiB writes that respect 'drain'. Each receiver mode runs in a fresh
// process that serves one untimed warm-up connection and then timed ones; the whole set of modes
// is repeated in rounds and the median of all timed runs is reported. Every run checks the frame
// count and the payload byte count. Time: from accepting the connection to having counted the
// last frame at EOF.
//
// Receivers:
//   raw        socket 'data' handler + chunk list + Buffer.indexOf(10): the baseline (a Buffer per frame)
//   frames     for await (const frame of reader.frames('\n'))
//   batches    for await (const batch of reader.batches('\n')) for (const frame of batch)
//   readUntil  for (;;) await reader.readUntil('\n')   (asyncio's loop, IncompleteReadError at EOF)
//   asyncio    CPython: await reader.readuntil(b'\n') (streams_asyncio_server.py), when python3 exists
// Plus, in-process: one 16 MiB frame fed in 16 KiB chunks (a wait between chunks) against a 1 MiB
// frame, to show there is no quadratic path (linear would be 16x).
//
// Targets (issue 2): frames >= 0.5x raw, batches >= 0.8x, readUntil >= 0.35x, each >= 3x asyncio;
// 16 MiB frame <= 25x the 1 MiB frame. --write puts the table into docs/benchmarks.md (the
// streams section only). --quick: 200,000 lines and fewer runs.
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LINE_LENGTH, announcePort, connectionReporter, countLinesRaw, describeRun, listenRaw, loadBuiltPackage, median, parseArguments, sendLines, spawnSender, startReceiver, writeBenchmarkSection } from './loopback-workload.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const pythonServer = join(here, 'streams_asyncio_server.py');
const self = fileURLToPath(import.meta.url);

const { argv, option } = parseArguments();

const loadStreams = () => loadBuiltPackage('streams');

// --------------------------------------------------------------------------------------- receivers

/** Counts frames on each connection with `count(socket or reader)`, prints one JSON line each. */
async function runReceiver(mode, connections) {
  const reportLine = connectionReporter(connections);
  const begin = () => ({ wall: process.hrtime.bigint(), cpu: process.cpuUsage() });
  const report = (frames, bytes, started) => {
    const seconds = Number(process.hrtime.bigint() - started.wall) / 1e9;
    const cpu = process.cpuUsage(started.cpu);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    reportLine({ frames, bytes, seconds, cpuSeconds });
  };

  let server;
  if (mode === 'raw') {
    server = await listenRaw((socket) => {
      const started = begin();
      countLinesRaw(socket, ({ frames, bytes }) => report(frames, bytes, started));
    });
  } else {
    const { startServer, IncompleteReadError } = await loadStreams();
    const counters = {
      async frames(reader) {
        let frames = 0;
        let bytes = 0;
        for await (const frame of reader.frames('\n')) {
          frames++;
          bytes += frame.length;
        }
        return [frames, bytes];
      },
      async batches(reader) {
        let frames = 0;
        let bytes = 0;
        for await (const batch of reader.batches('\n')) {
          for (const frame of batch) {
            frames++;
            bytes += frame.length;
          }
        }
        return [frames, bytes];
      },
      async readUntil(reader) {
        let frames = 0;
        let bytes = 0;
        for (;;) {
          let line;
          try {
            line = await reader.readUntil('\n');
          } catch (error) {
            if (error instanceof IncompleteReadError && error.partial.length === 0) break;
            throw error;
          }
          frames++;
          bytes += line.length - 1;
        }
        return [frames, bytes];
      },
    };
    const count = counters[mode];
    if (count === undefined) throw new Error(`unknown mode ${mode}`);
    server = await startServer(
      async (reader, writer) => {
        const started = begin();
        const [frames, bytes] = await count(reader);
        report(frames, bytes, started);
        writer.close();
      },
      { host: '127.0.0.1', port: 0 },
    );
    server = server.netServer;
  }
  announcePort(server.address().port);
}

// -------------------------------------------------------------------------------------- long frame

async function runLongFrame(runs) {
  const { StreamReader } = await loadStreams();
  const chunkSize = 16 * 1024;
  const measure = async (size) => {
    const body = Buffer.alloc(size - 1, 'x');
    const chunks = [];
    for (let offset = 0; offset < body.length; offset += chunkSize) chunks.push(body.subarray(offset, offset + chunkSize));
    chunks.push(Buffer.from('\n'));
    const reader = new StreamReader({ limit: size + 1 });
    const started = process.hrtime.bigint();
    const frame = reader.readUntil('\n');
    for (const chunk of chunks) {
      reader.feedData(chunk);
      // Let the pending read look at each chunk, as it would between socket reads.
      await new Promise((resolve) => setImmediate(resolve));
    }
    const result = await frame;
    const milliseconds = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.length !== size) throw new Error(`long frame: got ${result.length} bytes, expected ${size}`);
    return milliseconds;
  };
  const results = {};
  for (const size of [1024 * 1024, 16 * 1024 * 1024]) {
    await measure(size); // warm-up
    const times = [];
    for (let i = 0; i < runs; i++) times.push(await measure(size));
    results[size] = { median: median(times), times };
  }
  process.stdout.write(`${JSON.stringify(results)}\n`);
}

// ------------------------------------------------------------------------------------ orchestrator

/** Starts a receiver process, drives `connections` sender runs at it, returns the per-run reports. */
async function driveReceiver(command, args, connections, lines) {
  const { port, nextLine, exited } = await startReceiver(command, args);
  const reports = [];
  for (let i = 0; i < connections; i++) {
    const sender = spawnSender(self, port, lines, 'inherit');
    const [report] = await Promise.all([nextLine().then(JSON.parse), once(sender, 'exit')]);
    if (report.frames !== lines || report.bytes !== lines * (LINE_LENGTH - 1)) {
      throw new Error(`${args.join(' ')}: counted ${report.frames} frames / ${report.bytes} bytes, expected ${lines} / ${lines * (LINE_LENGTH - 1)}`);
    }
    reports.push(report);
  }
  await exited;
  return reports;
}

function pythonVersion() {
  const result = spawnSync('python3', ['--version'], { encoding: 'utf8' });
  if (result.status !== 0) return null;
  return (result.stdout || result.stderr).trim();
}

async function orchestrate() {
  const quick = argv.includes('--quick');
  const lines = Number(option('--lines', quick ? 200_000 : 2_000_000));
  const rounds = Number(option('--rounds', quick ? 1 : 2));
  const timedPerProcess = Number(option('--runs', 3));
  await loadStreams(); // fail early when the package is not built
  const loadBefore = loadavg();
  const python = pythonVersion();
  const allModes = ['raw', 'frames', 'batches', 'readUntil', ...(python ? ['asyncio'] : [])];
  const chosen = option('--modes', null)?.split(',');
  const modes = chosen ? allModes.filter((mode) => mode === 'raw' || mode === 'asyncio' || chosen.includes(mode)) : allModes;
  const rates = Object.fromEntries(modes.map((mode) => [mode, []]));
  const cpuRates = Object.fromEntries(modes.map((mode) => [mode, []]));
  // Per round, the median rate of each mode: ratios are taken within a round (modes run back to
  // back), then the median over rounds, so a slow drift of the machine's load cancels out.
  const roundRates = Object.fromEntries(modes.map((mode) => [mode, []]));
  const roundCpuRates = Object.fromEntries(modes.map((mode) => [mode, []]));

  for (let round = 1; round <= rounds; round++) {
    for (const mode of modes) {
      const connections = timedPerProcess + 1;
      const [command, args] =
        mode === 'asyncio'
          ? ['python3', [pythonServer, '--connections', String(connections)]]
          : [process.execPath, [self, '--receiver', mode, String(connections)]];
      const reports = await driveReceiver(command, args, connections, lines);
      const timed = reports.slice(1).map((report) => report.frames / report.seconds);
      const timedCpu = reports.slice(1).map((report) => report.frames / report.cpuSeconds);
      rates[mode].push(...timed);
      cpuRates[mode].push(...timedCpu);
      roundRates[mode].push(median(timed));
      roundCpuRates[mode].push(median(timedCpu));
      console.error(`round ${round} ${mode.padEnd(9)} ${timed.map((rate) => (rate / 1e6).toFixed(2)).join(' ')} M lines/s`);
    }
  }

  const longFrameChild = spawnSync(process.execPath, [self, '--long-frame', String(quick ? 3 : 5)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (longFrameChild.status !== 0) throw new Error('long-frame measurement failed');
  const longFrame = JSON.parse(longFrameChild.stdout);
  const small = longFrame[1024 * 1024].median;
  const large = longFrame[16 * 1024 * 1024].median;

  const medians = Object.fromEntries(modes.map((mode) => [mode, median(rates[mode])]));
  /** The median over rounds of `mode`'s rate divided by `baseline`'s in the same round. */
  const pairedRatio = (perRound, mode, baseline) =>
    median(perRound[mode].map((rate, round) => rate / perRound[baseline][round]));
  const targets = { frames: 0.5, batches: 0.8, readUntil: 0.35 };
  const descriptions = {
    raw: "`'data'` + `Buffer.indexOf` framer (baseline)",
    frames: "`for await (const frame of reader.frames('\\n'))`",
    batches: "`for await (const batch of reader.batches('\\n'))`",
    readUntil: "`await reader.readUntil('\\n')` loop",
    asyncio: `CPython asyncio \`await reader.readuntil(b'\\n')\` (${python ?? 'absent'})`,
  };
  const verdicts = [];
  const ratio = (value) => `${value.toFixed(2)}`;
  const rows = modes.map((mode) => {
    const rate = medians[mode];
    const toRaw = pairedRatio(roundRates, mode, 'raw');
    const toPython = python ? pairedRatio(roundRates, mode, 'asyncio') : null;
    const cpuToRaw = pairedRatio(roundCpuRates, mode, 'raw');
    const cpuToPython = python ? pairedRatio(roundCpuRates, mode, 'asyncio') : null;
    let target = '';
    if (mode in targets) {
      const rawMet = toRaw >= targets[mode];
      const pythonMet = toPython === null || toPython >= 3;
      target = `>= ${targets[mode]}x raw: ${rawMet ? 'met' : '**missed**'}; >= 3x asyncio: ${toPython === null ? 'n/a' : pythonMet ? 'met' : '**missed**'}`;
      if (!rawMet) {
        verdicts.push(
          `${mode}: ${toRaw.toFixed(2)}x raw (CPU time: ${cpuToRaw.toFixed(2)}x), target ${targets[mode]}x, short by ${((1 - toRaw / targets[mode]) * 100).toFixed(0)}%`,
        );
      }
      if (!pythonMet) verdicts.push(`${mode}: ${toPython.toFixed(2)}x asyncio (CPU time: ${cpuToPython.toFixed(2)}x), target 3x`);
    }
    const runs = rates[mode].map((value) => (value / 1e6).toFixed(2)).join(', ');
    return `| ${mode} | ${descriptions[mode]} | **${(rate / 1e6).toFixed(2)}** | ${runs} | **${ratio(toRaw)}** | ${toPython === null ? '—' : ratio(toPython)} | ${ratio(cpuToRaw)} | ${cpuToPython === null ? '—' : ratio(cpuToPython)} | ${target} |`;
  });
  const longRatio = large / small;
  if (longRatio > 25) verdicts.push(`16 MiB frame: ${longRatio.toFixed(1)}x the 1 MiB frame, target <= 25x`);

  const loadAfter = loadavg();
  const load = (values) => values.map((value) => value.toFixed(2)).join(' / ');
  const table = [
    `${describeRun('streams', quick, python)}; load average (1 / 5 / 15 min) ${load(loadBefore)} at the start, ${load(loadAfter)} at the end.`,
    `Workload: ${lines.toLocaleString('en-US')} lines of ${LINE_LENGTH} bytes over 127.0.0.1, sent by a separate Node process in 1 MiB writes; each mode in fresh processes (${rounds} round(s) x (1 warm-up + ${timedPerProcess} timed runs)), frame and byte counts checked on every run. Rates: median of all timed runs. Ratios: within each round (the modes run back to back), then the median over the rounds. "x raw" and "x asyncio" compare wall-clock rates (accept to EOF); the "CPU time" columns compare lines per second of the receiver's own CPU time, which other processes on a shared machine disturb less.`,
    '',
    '| mode | what | M lines/s (median) | runs (M lines/s) | x raw | x asyncio | x raw, CPU time | x asyncio, CPU time | target (on the wall-clock ratios) |',
    '|---|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `One frame in 16 KiB chunks (a wait between chunks), \`readUntil\`, median of ${quick ? 3 : 5}: 1 MiB ${small.toFixed(1)} ms, 16 MiB ${large.toFixed(1)} ms: **${longRatio.toFixed(1)}x** (linear = 16x; target <= 25x: ${longRatio <= 25 ? 'met' : 'MISSED'}).`,
    '',
    verdicts.length === 0 ? 'All targets met in this run.' : `Targets missed in this run: ${verdicts.join('; ')}.`,
  ].join('\n');
  console.log(table);

  if (argv.includes('--write')) writeSection(table);
}

/** What the numbers mean; kept with the script so that `--write` always publishes it with the table. */
const NOTES = `What the numbers mean (per-frame costs from CPU profiles, \`--trace-gc\` and in-process measurements on the
same VM; they are approximate, the machine is shared and noisy):

- **The machine.** A shared 2-vCPU VM on which other sessions' builds, tests and benchmarks may
  run at the same time (the load average at the start and end of the run is in the line above the
  table): single runs vary by up to 2x, so the table gives every run, takes ratios within rounds,
  and adds the ratios of the receivers' own CPU time. Trust the ratios more than the rates, and
  neither to better than about 20%.
- **raw** pays one \`indexOf\` and one \`subarray\` view per line (about 90 bytes allocated per
  line, measured with \`--trace-gc\`) and nothing else.
- **\`batches()\`** runs the same loop over each received chunk (a bulk path in \`FrameBuffer\`), so
  it costs what the raw framer costs.
- **\`frames()\`** does the raw framer's work (\`tryReadUntil()\`, the same core without a promise,
  runs within 10% of raw in process) plus what any per-frame \`for await\` must pay: a
  \`{ value, done }\` object, a resolved promise, and the consumer's \`await\` (a reaction and a
  microtask). Over loopback that is about 370 bytes allocated per frame against raw's 90
  (\`--trace-gc\`: 752 scavenges against 380 for the same 4,000,000 frames), and the scavenges alone
  cost about 55 ns per frame against 23 ns; the young generation stays at its initial size in a
  receiver this small, so every extra byte per frame is paid in scavenges. A minimal hand-written
  per-frame iterator over the same socket (chunk queue, \`indexOf\`, \`subarray\`,
  \`Promise.resolve({ value, done })\`, no limit, no error or EOF handling) measured 0.5x to 0.9x raw
  in the same conditions, so 0.5x is at the edge of what a per-frame \`await\` allows here. Tried
  and measured: handing out frames from a batch pre-split per chunk was slower (the batch array
  keeps its views alive across scavenges), so \`next()\` polls one frame at a time on its own fast path
  (no \`step()\` call): in back-to-back runs over loopback (2,000,000 lines, 2 rounds each, the
  machine at load 2 to 4) \`frames()\` went from 0.34x-0.36x raw before it to 0.39x-0.54x with it
  (CPU time: 0.34x-0.35x to 0.40x-0.55x); inlining one level further gained nothing measurable. Where the
  rate matters, \`batches()\` (or \`tryReadUntil()\` after each chunk) is the remedy.
- **A \`readUntil\` loop** pays the same per-\`await\` costs, and resolving a promise **with a
  Buffer** costs more than with a plain object (V8 looks \`then\` up along the typed array's
  prototype chain: about 65 ns against 17 ns, measured); every way of making a promise of a Buffer
  pays it. In process it is about 0.8x the speed of \`frames()\`.
- **No quadratic path**: a 16 MiB frame arriving in 16 KiB chunks grows linearly with its size (16x
  would be exactly linear): the scan position is kept between chunks and the frame is copied once.`;

/** Replaces the streams section of docs/benchmarks.md. */
function writeSection(table) {
  writeBenchmarkSection('streams', `## streams\n\n${table}\n\n${NOTES}\n`);
}

// ------------------------------------------------------------------------------------------- main

const role = argv[0];
if (role === '--sender') await sendLines(Number(argv[1]), Number(argv[2]));
else if (role === '--receiver') await runReceiver(argv[1], Number(argv[2]));
else if (role === '--long-frame') await runLongFrame(Number(argv[1]));
else await orchestrate();
