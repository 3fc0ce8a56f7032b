import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The conversation file format written by the recorder (./recording.ts) and read by
 * `asynchat-migrate verify`: JSON Lines, one file per accepted channel.
 *
 * Line 1 is the header (`format`, `version`, where and when); every further line is one event,
 * numbered by `seq` (a counter shared by every conversation of one process, `run`, so events of
 * conversations recorded by the same process order exactly) and timed by `t` (milliseconds since
 * the conversation's `startedAt`). Payloads are base64. A file ends with `close` (or `truncated`);
 * a file without it was cut short by the process ending (SIGKILL), and its last line may be torn.
 * The full description is in docs/migration.md ("The recording format").
 */

export const RECORDING_FORMAT = 'asynchat-recording';
export const RECORDING_VERSION = 1;
/** The extension of conversation files; other files in a recordings directory are ignored. */
export const RECORDING_EXTENSION = '.jsonl';

export interface RecordingHeader {
  format: typeof RECORDING_FORMAT;
  version: number;
  /** The file's name without the extension: unique per directory. */
  id: string;
  /** One id per recording process: `seq` compares only within a run. */
  run: string;
  pid: number;
  /** Wall-clock time of the accept, ISO 8601, and the same in epoch milliseconds (fractional). */
  started: string;
  startedAt: number;
  /** The listening address that accepted the connection (the real port, not the requested 0). */
  listen: { host: string; port: number } | { path: string };
  /** Class names of the listening dispatcher and of the channel's handler. */
  listener: string;
  handler: string;
  peer: { host: string; port: number } | { path: string } | null;
}

/**
 * One event of a conversation, as read back: the bytes `recv` returned (`in`, one chunk per
 * call), the bytes `send` took (`out`; the sends of one event are joined), end of stream from the
 * peer, a reset, the channel's own close, or a recording cut short by a bound.
 */
export type RecordedEvent =
  | { kind: 'in'; seq: number; t: number; data: Buffer }
  | { kind: 'out'; seq: number; t: number; data: Buffer }
  | { kind: 'eof'; seq: number; t: number }
  | { kind: 'reset'; seq: number; t: number; code: string }
  | { kind: 'close'; seq: number; t: number }
  | { kind: 'truncated'; seq: number; t: number; reason: string };

/**
 * How the conversation ended: the peer's end of stream (then, usually, our close), a reset, the
 * channel closing first, or not at all in the file (`unfinished`: the process was killed;
 * `truncated`: a recording bound was reached).
 */
export type ConversationEnding = 'peer-eof' | 'reset' | 'local-close' | 'unfinished' | 'truncated';

export interface RecordedConversation {
  file: string;
  header: RecordingHeader;
  events: RecordedEvent[];
  ending: ConversationEnding;
  /** Whether the last line was torn (not valid JSON): it was dropped. */
  torn: boolean;
}

/** A conversation file that cannot be used: not this format, a newer version, a bad line. */
export class RecordingFormatError extends Error {
  override readonly name = 'RecordingFormatError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
  }
}

/**
 * Parses one conversation file's text. A torn last line (the process died while writing it) is
 * dropped; any other bad line is a RecordingFormatError.
 *
 * @example
 * const conversation = parseRecording(readFileSync(file, 'utf8'), file);
 * conversation.events.filter((event) => event.kind === 'in').length; // the recv() chunks
 */
export function parseRecording(text: string, file: string): RecordedConversation {
  const lines = text.split('\n');
  // A complete file ends with a newline: the last element is then empty.
  const complete = lines[lines.length - 1] === '';
  if (complete) lines.pop();
  let torn = false;
  const records: Record<string, unknown>[] = [];
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] as string;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      if (index === lines.length - 1 && !complete) {
        torn = true;
        break;
      }
      throw new RecordingFormatError(file, index + 1, 'not a JSON line');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new RecordingFormatError(file, index + 1, 'not a JSON object');
    records.push(value as Record<string, unknown>);
  }
  const header = records.shift();
  if (header === undefined) throw new RecordingFormatError(file, 1, 'empty file: no header');
  if (header.format !== RECORDING_FORMAT) throw new RecordingFormatError(file, 1, `not an ${RECORDING_FORMAT} file (format: ${JSON.stringify(header.format)})`);
  if (typeof header.version !== 'number' || header.version > RECORDING_VERSION) {
    throw new RecordingFormatError(file, 1, `format version ${String(header.version)} is newer than this reader's (${RECORDING_VERSION})`);
  }
  const events = records.map((record, index) => toEvent(record, file, index + 2));
  return { file, header: header as unknown as RecordingHeader, events, ending: endingOf(events), torn };
}

function toEvent(record: Record<string, unknown>, file: string, line: number): RecordedEvent {
  const seq = record.seq;
  const t = record.t;
  if (typeof seq !== 'number' || typeof t !== 'number') throw new RecordingFormatError(file, line, 'an event needs numeric seq and t');
  if (typeof record.in === 'string') return { kind: 'in', seq, t, data: Buffer.from(record.in, 'base64') };
  if (typeof record.out === 'string') return { kind: 'out', seq, t, data: Buffer.from(record.out, 'base64') };
  if (record.eof === true) return { kind: 'eof', seq, t };
  if (typeof record.reset === 'string') return { kind: 'reset', seq, t, code: record.reset };
  if (record.close === true) return { kind: 'close', seq, t };
  if (typeof record.truncated === 'string') return { kind: 'truncated', seq, t, reason: record.truncated };
  throw new RecordingFormatError(file, line, `unknown event ${JSON.stringify(Object.keys(record))}`);
}

function endingOf(events: readonly RecordedEvent[]): ConversationEnding {
  let peerEnded: 'peer-eof' | 'reset' | null = null;
  for (const event of events) {
    if (event.kind === 'truncated') return 'truncated';
    if (event.kind === 'reset' && peerEnded === null) peerEnded = 'reset';
    if (event.kind === 'eof' && peerEnded === null) peerEnded = 'peer-eof';
    if (event.kind === 'close') return peerEnded ?? 'local-close';
  }
  return peerEnded ?? 'unfinished';
}

/**
 * Every conversation file (`*.jsonl`) of a directory, in file-name order (the names start with
 * the time of the accept). Unreadable or malformed files are returned as errors, not thrown, so
 * that a caller can name all of them.
 */
export function readRecordings(dir: string): { conversations: RecordedConversation[]; errors: (RecordingFormatError | NodeJS.ErrnoException)[] } {
  const names = readdirSync(dir)
    .filter((name) => name.endsWith(RECORDING_EXTENSION))
    .sort();
  const conversations: RecordedConversation[] = [];
  const errors: (RecordingFormatError | NodeJS.ErrnoException)[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      conversations.push(parseRecording(readFileSync(file, 'utf8'), file));
    } catch (error) {
      errors.push(error as RecordingFormatError | NodeJS.ErrnoException);
    }
  }
  return { conversations, errors };
}
