#!/usr/bin/env node
// The ceiling of per-frame async iteration on this runtime (issue 13, "Also"), measured in one
// process, no sockets: what one `await` per frame costs against the raw framer's whole per-frame
// work, hence the best rate any per-frame async iterator can reach relative to the raw framer, and
// where @asynchat/streams' `frames()` and `batches()` stand.
//
//   pnpm build && node scripts/bench/frame-ceiling.mjs [--quick] [--write] [--lines N] [--rounds R]
//
// Input: N lines of 16 bytes ('L' + 14 digits + '\n') in 64 KiB chunks (what a socket delivers).
// Measured, interleaved for R rounds (median ns per frame):
//   raw        indexOf + subarray per frame over the chunks, a pending list across chunks (the
//              loopback benchmarks' baseline framer, without the socket)
//   await      a minimal hand-written async iterator over N pre-made values (next() returns
//              Promise.resolve({ value, done })) consumed by for await: the per-frame await alone
//   frames     for await (const frame of reader.frames('\n')) over a StreamReader fed the chunks
//   batches    for await (const batch of reader.batches('\n')) with the reader fed one chunk per step
// Ceiling: raw / (raw + await), the rate ratio of a per-frame async iterator that did the raw
// framer's work and nothing else. --write puts the result into docs/benchmarks.md (the
// frame-ceiling section, with the notes of frame-ceiling-notes.md); --quick: 200,000 lines, 3 rounds.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeRun, loadBuiltPackage, median, parseArguments, rawLineCounter, writeBenchmarkSection } from './loopback-workload.mjs';

const { argv, option } = parseArguments();
const here = dirname(fileURLToPath(import.meta.url));
const quick = argv.includes('--quick');
const LINE = 16;
const CHUNK = 65536;
const lines = Number(option('--lines', quick ? 200_000 : 2_000_000));
const rounds = Number(option('--rounds', quick ? 3 : 7));
const loadAtStart = loadavg();

const { StreamReader } = await loadBuiltPackage('streams');

function buildChunks() {
  const payload = Buffer.allocUnsafe(lines * LINE);
  for (let i = 0; i < lines; i++) payload.write(`L${String(i).padStart(LINE - 2, '0')}\n`, i * LINE, 'latin1');
  const chunks = [];
  for (let offset = 0; offset < payload.length; offset += CHUNK) chunks.push(payload.subarray(offset, offset + CHUNK));
  return chunks;
}
const chunks = buildChunks();

function raw() {
  const counter = rawLineCounter();
  for (const chunk of chunks) counter.feed(chunk);
  return [counter.frames, counter.bytes];
}

async function awaitOnly() {
  const value = chunks[0].subarray(0, LINE - 1);
  let left = lines;
  const iterator = {
    next: () => Promise.resolve(left-- > 0 ? { value, done: false } : { value: undefined, done: true }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
  let frames = 0;
  let bytes = 0;
  for await (const frame of iterator) {
    frames++;
    bytes += frame.length;
  }
  return [frames, bytes];
}

async function frames() {
  const reader = new StreamReader();
  for (const chunk of chunks) reader.feedData(chunk);
  reader.feedEof();
  let count = 0;
  let bytes = 0;
  for await (const frame of reader.frames('\n')) {
    count++;
    bytes += frame.length;
  }
  return [count, bytes];
}

async function batches() {
  const reader = new StreamReader();
  let next = 0;
  // One chunk per step, as a socket delivers them: each batch holds one chunk's frames.
  const feed = () => {
    if (next < chunks.length) reader.feedData(chunks[next++]);
    else if (!reader.atEof()) reader.feedEof();
  };
  feed();
  let count = 0;
  let bytes = 0;
  for await (const batch of reader.batches('\n')) {
    for (const frame of batch) {
      count++;
      bytes += frame.length;
    }
    feed();
  }
  return [count, bytes];
}

const variants = { raw, await: awaitOnly, frames, batches };
const samples = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
for (let round = 0; round <= rounds; round++) {
  for (const [name, run] of Object.entries(variants)) {
    const started = process.hrtime.bigint();
    const [count, bytes] = await run();
    const ns = Number(process.hrtime.bigint() - started) / lines;
    if (count !== lines || bytes !== lines * (LINE - 1)) throw new Error(`${name}: ${count} frames / ${bytes} bytes`);
    if (round > 0) samples[name].push(ns); // round 0 warms the JIT up
  }
}
const ns = Object.fromEntries(Object.entries(samples).map(([name, values]) => [name, median(values)]));
const ceiling = ns.raw / (ns.raw + ns.await);
const format = (load) => load.map((value) => value.toFixed(2)).join(' / ');
const what = {
  raw: 'raw framer: `indexOf` + `subarray` per frame (baseline)',
  await: 'one `await` per frame alone (minimal async iterator, no framing)',
  frames: '`for await (const frame of reader.frames(\'\\n\'))`',
  batches: '`for await (const batch of reader.batches(\'\\n\'))`, one 64 KiB chunk per step',
};
const table = [
  `${describeRun('frame-ceiling', quick, null)}; load average (1 / 5 / 15 min) ${format(loadAtStart)} at the start, ${format(loadavg())} at the end.`,
  `In one process, no sockets: ${lines.toLocaleString('en-US')} frames of ${LINE} bytes in ${CHUNK / 1024} KiB chunks; each variant ${rounds} times, interleaved, after one warm-up round; medians.`,
  '',
  '| variant | what | ns per frame (median) | x raw rate |',
  '|---|---|---|---|',
  ...Object.entries(ns).map(([name, value]) => `| ${name} | ${what[name]} | ${value.toFixed(1)} | ${name === 'await' ? '—' : (ns.raw / value).toFixed(2)} |`),
  '',
  `Ceiling of any per-frame async iterator: raw / (raw + await) = ${ns.raw.toFixed(1)} / (${ns.raw.toFixed(1)} + ${ns.await.toFixed(1)}) = **${ceiling.toFixed(2)}x raw**.`,
].join('\n');
console.log(table);
if (argv.includes('--write')) {
  const notesPath = join(here, 'frame-ceiling-notes.md');
  const notes = existsSync(notesPath) ? `\n\n${readFileSync(notesPath, 'utf8').trim()}` : '';
  writeBenchmarkSection('frame-ceiling', `## per-frame async iteration: the ceiling\n\n${table}${notes}\n`);
}
