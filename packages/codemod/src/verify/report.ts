import { basename } from 'node:path';
import type { Colors } from 'picocolors/types';
import type { ByteDivergence, Divergence } from './compare';
import { listenerLabel } from './port-mapping';
import type { ConversationResult, VerifyResult } from './verify-run';

export interface VerifySummary {
  conversations: number;
  matched: number;
  differing: number;
  skipped: number;
  /** Differences found to be noise (baseline disagreement or --ignore), and in how many conversations. */
  noiseIgnored: { regions: number; conversations: number };
  baselineRuns: number;
  seconds: number;
}

export function summarizeVerification(result: VerifyResult): VerifySummary {
  const count = (status: string) => result.results.filter((entry) => entry.status === status).length;
  return {
    conversations: result.results.length,
    matched: count('matched'),
    differing: count('differing'),
    skipped: count('skipped'),
    noiseIgnored: {
      regions: result.results.reduce((sum, entry) => sum + entry.noiseIgnored, 0),
      conversations: result.results.filter((entry) => entry.noiseIgnored > 0).length,
    },
    baselineRuns: result.baselineRuns,
    seconds: Math.round(result.elapsedMs / 100) / 10,
  };
}

/** Whether bytes read as text: UTF-8, with no control characters but tab, CR and LF. */
function isText(bytes: Buffer): boolean {
  const text = bytes.toString('utf8');
  if (text.includes('\uFFFD')) return false;
  // eslint-disable-next-line no-control-regex
  return !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(text);
}

function printable(line: string): string {
  return JSON.stringify(line).slice(1, -1).replace(/\\"/g, '"');
}

/** The lines of `bytes` around `offset`: two lines of context before, the line there and two after. */
function linesAround(bytes: Buffer, offset: number): { before: string[]; at: string[] } {
  const text = bytes.toString('latin1');
  if (offset >= text.length) return { before: text.split(/(?<=\n)/).slice(-2).map((line) => printable(Buffer.from(line, 'latin1').toString('utf8'))), at: [] };
  const lines = text.split(/(?<=\n)/);
  let position = 0;
  let index = 0;
  while (index < lines.length - 1 && position + lines[index]!.length <= offset) {
    position += lines[index]!.length;
    index += 1;
  }
  const decode = (line: string) => printable(Buffer.from(line, 'latin1').toString('utf8'));
  return { before: lines.slice(Math.max(0, index - 2), index).map(decode), at: lines.slice(index, index + 3).map(decode) };
}

function hexRows(bytes: Buffer, offset: number): string[] {
  const first = Math.max(0, Math.floor(offset / 16) * 16 - 16);
  const rows: string[] = [];
  for (let start = first; start < Math.min(bytes.length, first + 48); start += 16) {
    const slice = bytes.subarray(start, start + 16);
    const hex = [...slice].map((byte) => byte.toString(16).padStart(2, '0')).join(' ');
    const ascii = [...slice].map((byte) => (byte >= 0x20 && byte < 0x7f ? String.fromCharCode(byte) : '.')).join('');
    rows.push(`${start.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  ${ascii}`);
  }
  if (rows.length === 0) rows.push(`${offset.toString(16).padStart(8, '0')}  (no bytes)`);
  return rows;
}

function describeBytes(entry: ConversationResult, divergence: ByteDivergence, colors: Colors, referenceName: string): string[] {
  const expected = entry.reference!.received;
  const actual = entry.outcome!.received;
  const lines = [
    `  bytes differ at byte ${divergence.expectedOffset} of ${divergence.expectedLength} expected (byte ${divergence.actualOffset} of ${divergence.actualLength} received), after the client's ${divergence.afterInbound} chunk(s)`,
  ];
  const lastInbound = entry.outcome!.inbound[divergence.afterInbound - 1];
  if (lastInbound !== undefined) {
    lines.push(`  the client had just sent: ${isText(lastInbound) ? `"${printable(lastInbound.toString('utf8')).slice(0, 200)}"` : `${lastInbound.length} bytes of binary data`}`);
  }
  if (isText(expected) && isText(actual)) {
    const want = linesAround(expected, divergence.expectedOffset);
    const got = linesAround(actual, divergence.actualOffset);
    for (const line of want.before) lines.push(`      ${line}`);
    for (const line of want.at) lines.push(colors.red(`    - ${line}`));
    if (want.at.length === 0) lines.push(colors.red('    - (nothing more)'));
    for (const line of got.at) lines.push(colors.green(`    + ${line}`));
    if (got.at.length === 0) lines.push(colors.green('    + (nothing more)'));
  } else {
    lines.push(`    ${referenceName}:`);
    for (const row of hexRows(expected, divergence.expectedOffset)) lines.push(colors.red(`    - ${row}`));
    lines.push('    received:');
    for (const row of hexRows(actual, divergence.actualOffset)) lines.push(colors.green(`    + ${row}`));
  }
  return lines;
}

function describeDivergence(entry: ConversationResult, divergence: Divergence, colors: Colors, referenceName: string): string[] {
  if (divergence.kind === 'bytes') return describeBytes(entry, divergence, colors, referenceName);
  return [`  close: expected ${divergence.expected}; ${divergence.actual}`];
}

/**
 * The human report: one block per differing conversation (its first divergence with context: a
 * line diff for text, a hex view for binary; who closed), then the summary.
 */
export function formatVerifyText(result: VerifyResult, colors: Colors, options: { quiet: boolean }): string {
  const summary = summarizeVerification(result);
  const referenceName = result.baselineRuns > 0 ? 'the legacy program (baseline run 1)' : 'the recording';
  const out: string[] = [];
  for (const entry of result.results) {
    if (entry.status !== 'differing') continue;
    const { conversation } = entry;
    out.push(`${colors.red('✖')} ${basename(conversation.file)}  ${colors.dim(`${listenerLabel(conversation)}, ${conversation.header.handler}, ended: ${conversation.ending}`)}`);
    for (const divergence of entry.divergences) out.push(...describeDivergence(entry, divergence, colors, referenceName));
    out.push('');
  }
  if (!options.quiet) {
    const noise =
      result.baselineRuns > 0 || summary.noiseIgnored.regions > 0
        ? `; noise ignored: ${summary.noiseIgnored.regions} region(s) in ${summary.noiseIgnored.conversations} conversation(s)${result.baselineRuns > 0 ? ` (the legacy program's 2 runs disagreed in ${result.noisyConversations})` : ''}`
        : '';
    const verdict = summary.differing === 0 ? colors.green(`all ${summary.matched} replayed conversations matched`) : colors.red(`${summary.differing} of ${summary.conversations - summary.skipped} conversations differ`);
    out.push(
      `${colors.bold('verify')}: ${summary.conversations} conversations, ${summary.matched} matched, ${summary.differing} differing, ${summary.skipped} skipped${noise}; compared with ${referenceName}; ${summary.seconds} s`,
      verdict,
    );
  }
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** `--json`: the summary and every conversation's status and divergences (payload excerpts in base64). */
export function formatVerifyJson(result: VerifyResult): string {
  const summary = summarizeVerification(result);
  return `${JSON.stringify(
    {
      summary,
      candidate: result.candidateCommand,
      reference: result.baselineRuns > 0 ? 'baseline' : 'recording',
      conversations: result.results.map((entry) => ({
        file: entry.conversation.file,
        id: entry.conversation.header.id,
        listen: entry.conversation.header.listen,
        listener: entry.conversation.header.listener,
        handler: entry.conversation.header.handler,
        ending: entry.conversation.ending,
        status: entry.status,
        ...(entry.skipReason === null ? {} : { skipReason: entry.skipReason }),
        noiseIgnored: entry.noiseIgnored,
        divergences: entry.divergences.map((divergence) =>
          divergence.kind === 'close'
            ? divergence
            : {
                ...divergence,
                expectedExcerpt: entry.reference!.received.subarray(Math.max(0, divergence.expectedOffset - 32), divergence.expectedOffset + 64).toString('base64'),
                actualExcerpt: entry.outcome!.received.subarray(Math.max(0, divergence.actualOffset - 32), divergence.actualOffset + 64).toString('base64'),
                excerptStarts: { expected: Math.max(0, divergence.expectedOffset - 32), actual: Math.max(0, divergence.actualOffset - 32) },
              },
        ),
      })),
    },
    null,
    2,
  )}\n`;
}
