import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';

/** The first byte sequence of a file that is not UTF-8: where it is, for a message a person can act on. */
export interface InvalidUtf8 {
  /** Byte offset in the file (BOM included). */
  offset: number;
  /** The offending byte. */
  byte: number;
  /** 1-based line and byte column of the offending byte. */
  line: number;
  column: number;
}

/**
 * A source file as the analysis sees it, and what it takes to give the file back its own bytes.
 * The analysis and the engine work on `text` only: no byte order mark (TypeScript and ts-morph
 * disagree on whether it is a character, and every position after it then points one off) and
 * `\n` line ends (the engine inserts and removes whole `\n` lines; a CRLF file would come out with
 * mixed endings and stray `\r` lines). `onDisk` and `bom` restore the rest when writing.
 */
export interface SourceText {
  /** Decoded, without the BOM, every `\r\n` turned into `\n`. */
  text: string;
  /** Decoded, without the BOM, line ends as in the file (=== text when the file has no `\r\n`). */
  onDisk: string;
  /** The file starts with the UTF-8 byte order mark EF BB BF. */
  bom: boolean;
  /**
   * Null when the file is valid UTF-8. Otherwise `text` holds U+FFFD where the bytes could not be
   * decoded: good enough to analyse and report, never to write back (the bytes would change).
   */
  invalidUtf8: InvalidUtf8 | null;
}

/** A file that could not be read (permissions, a directory under a file's name, an I/O error). */
export interface UnreadableSource {
  path: string;
  /** The system's reason, e.g. `EACCES: permission denied`. */
  reason: string;
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Decodes a source file's bytes; never throws.
 *
 * @example
 * ```ts
 * const source = decodeSourceBytes(readFileSync('/repo/src/echo.ts'));
 * if (source.invalidUtf8) console.error(`byte 0x${source.invalidUtf8.byte.toString(16)} at line ${source.invalidUtf8.line}`);
 * ```
 */
export function decodeSourceBytes(bytes: Buffer): SourceText {
  const bom = bytes.length >= 3 && bytes.subarray(0, 3).equals(BOM);
  const body = bom ? bytes.subarray(3) : bytes;
  const onDisk = body.toString('utf8');
  const invalidUtf8 = isUtf8(body) ? null : locateInvalidUtf8(bytes, bom ? 3 : 0);
  const text = onDisk.includes('\r\n') ? onDisk.replace(/\r\n/g, '\n') : onDisk;
  return { text, onDisk, bom, invalidUtf8 };
}

/** The bytes to write for a rewritten text: the file's BOM and line ends kept (see restoreLineEndings for the ends). */
export function encodeSourceText(onDiskText: string, bom: boolean): Buffer {
  const body = Buffer.from(onDiskText, 'utf8');
  return bom ? Buffer.concat([BOM, body]) : body;
}

/**
 * Reads and decodes a source file, or says why it cannot be read.
 *
 * @example
 * ```ts
 * const read = readSourceText('/repo/src/echo.ts');
 * if ('reason' in read) console.error(`${read.path}: ${read.reason}`);
 * ```
 */
export function readSourceText(path: string): SourceText | UnreadableSource {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (error) {
    return { path, reason: describeFileSystemError(error) };
  }
  return decodeSourceBytes(bytes);
}

export function isUnreadable(read: SourceText | UnreadableSource): read is UnreadableSource {
  return 'reason' in read;
}

/** `EACCES: permission denied` out of Node's `EACCES: permission denied, open '/x'` (the path is printed anyway). */
export function describeFileSystemError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');
}

/** The first byte that does not start or continue a well-formed UTF-8 sequence (RFC 3629: no overlongs, no surrogates). */
function locateInvalidUtf8(bytes: Buffer, start: number): InvalidUtf8 {
  let offset = start;
  while (offset < bytes.length) {
    const length = wellFormedSequenceLength(bytes, offset);
    if (length === 0) break;
    offset += length;
  }
  let line = 1;
  let lineStart = 0;
  for (let index = 0; index < offset; index += 1) {
    if (bytes[index] === 0x0a) {
      line += 1;
      lineStart = index + 1;
    }
  }
  return { offset, byte: bytes[offset] ?? 0, line, column: offset - lineStart + 1 };
}

/** The length of the well-formed UTF-8 sequence at `offset`, or 0 when there is none. */
function wellFormedSequenceLength(bytes: Buffer, offset: number): number {
  const first = bytes[offset] as number;
  if (first < 0x80) return 1;
  const continuation = (index: number, low = 0x80, high = 0xbf): boolean => {
    const byte = bytes[offset + index];
    return byte !== undefined && byte >= low && byte <= high;
  };
  if (first >= 0xc2 && first <= 0xdf) return continuation(1) ? 2 : 0;
  if (first >= 0xe0 && first <= 0xef) {
    const low = first === 0xe0 ? 0xa0 : 0x80;
    const high = first === 0xed ? 0x9f : 0xbf;
    return continuation(1, low, high) && continuation(2) ? 3 : 0;
  }
  if (first >= 0xf0 && first <= 0xf4) {
    const low = first === 0xf0 ? 0x90 : 0x80;
    const high = first === 0xf4 ? 0x8f : 0xbf;
    return continuation(1, low, high) && continuation(2) && continuation(3) ? 4 : 0;
  }
  return 0;
}
