import fc from 'fast-check';
import { FrameBuffer, toSeparatorBytes, type Separator } from '../src/framing';
import { chunked } from './support/chunked';
import { referenceFind } from './support/first-match-model';
import { FIND_PREFIX_AT_END_CASES } from './support/prefix-at-end-cases';

/** asynchat's find_prefix_at_end, literally. */
function referencePrefixAtEnd(haystack: Buffer, needle: Buffer): number {
  let length = needle.length - 1;
  while (length > 0 && !haystack.subarray(Math.max(0, haystack.length - length)).equals(needle.subarray(0, length))) {
    length--;
  }
  return length > haystack.length ? 0 : length;
}

const SEPARATOR_SETS: Separator[] = [
  '\n',
  '\r\n',
  'ABABC',
  '\r\n.\r\n',
  'AAB',
  ['\r\n', '\n'],
  ['\n', '\r\n'],
  ['ABABC', 'BC', '\r\n.\r\n'],
  [Buffer.from([0xff, 0x00]), '\n'],
];

/** Bytes drawn mostly from the separators' alphabet, so matches, near-matches and overlaps are common. */
const byteArbitrary = fc.constantFrom(...Buffer.from('AB C\r\n.x'), 0xff, 0x00);
const dataArbitrary = fc.array(byteArbitrary, { maxLength: 400 }).map((bytes) => Buffer.from(bytes));
/** Cut points for a random chunking (sizes 1..40, plus occasional empty chunks). */
const chunkSizesArbitrary = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 60 });

describe('toSeparatorBytes', () => {
  test('converts strings, bytes and arrays', () => {
    expect(toSeparatorBytes('\r\n')).toEqual([Buffer.from('\r\n')]);
    expect(toSeparatorBytes(Uint8Array.of(1, 2))).toEqual([Buffer.from([1, 2])]);
    expect(toSeparatorBytes(['a', Uint8Array.of(0)])).toEqual([Buffer.from('a'), Buffer.from([0])]);
  });

  test('copies bytes, so later changes to the caller array do not change the separator', () => {
    const bytes = Uint8Array.of(10);
    const [separator] = toSeparatorBytes(bytes);
    bytes[0] = 13;
    expect(separator[0]).toBe(10);
  });

  test('rejects non-ASCII strings with a TypeError naming the character', () => {
    expect(() => toSeparatorBytes('é')).toThrow(TypeError);
    expect(() => toSeparatorBytes('ab\u2028')).toThrow(/index 2/);
    expect(() => toSeparatorBytes(['\n', 'ü'])).toThrow(/separator\[1\]/);
  });

  test('rejects empty separators and empty lists with a RangeError', () => {
    expect(() => toSeparatorBytes('')).toThrow(RangeError);
    expect(() => toSeparatorBytes(new Uint8Array(0))).toThrow(/must not be empty/);
    expect(() => toSeparatorBytes([])).toThrow(/list must not be empty/);
    expect(() => toSeparatorBytes(['\n', ''])).toThrow(/separator\[1\] must not be empty/);
  });

  test('rejects other types with a TypeError', () => {
    expect(() => toSeparatorBytes(10 as unknown as Separator)).toThrow(TypeError);
    expect(() => toSeparatorBytes(null as unknown as Separator)).toThrow(/got null/);
    expect(() => toSeparatorBytes(new Set(['\n']) as unknown as Separator)).toThrow(TypeError);
  });
});

describe('FrameBuffer', () => {
  test('finds, takes and discards around a separator split across chunks', () => {
    const buffer = new FrameBuffer();
    const separators = toSeparatorBytes('\r\n');
    buffer.append(Buffer.from('HELO x\r'));
    expect(buffer.find(separators)).toBeNull();
    buffer.append(Buffer.from('\nQUIT\r\n'));
    expect(buffer.find(separators)).toEqual({ start: 6, end: 8, shortestStart: 6 });
    expect(buffer.take(6).toString()).toBe('HELO x');
    buffer.discard(2);
    expect(buffer.find(separators)).toEqual({ start: 4, end: 6, shortestStart: 4 });
    expect(buffer.takeAll().toString()).toBe('QUIT\r\n');
    expect(buffer.length).toBe(0);
    expect(buffer.find(separators)).toBeNull();
  });

  test('the first-ending match wins; on a tie the frame stops before the longest, the limit counts the shortest', () => {
    const buffer = new FrameBuffer();
    buffer.append(Buffer.from('abcXYZd'));
    // 'bcXYZ' starts first but 'XY' ends first.
    expect(buffer.find(toSeparatorBytes(['bcXYZ', 'XY']))).toEqual({ start: 3, end: 5, shortestStart: 3 });
    // 'cXY' and 'Y' both end at 5: the frame stops before the longest, the limit counts the shortest.
    expect(buffer.find(toSeparatorBytes(['cXY', 'Y']))).toEqual({ start: 2, end: 5, shortestStart: 4 });
    expect(buffer.find(toSeparatorBytes(['Y', 'cXY']))).toEqual({ start: 2, end: 5, shortestStart: 4 });
  });

  test('take returns a view (no copy) for bytes inside one chunk, one copy across chunks', () => {
    const buffer = new FrameBuffer();
    const first = Buffer.from('abcdef');
    const second = Buffer.from('ghij');
    buffer.append(first);
    buffer.append(second);
    const view = buffer.take(3);
    first[0] = 0x41;
    expect(view.toString()).toBe('Abc');
    const spanning = buffer.take(5);
    expect(spanning.toString()).toBe('defgh');
    first[3] = 0x44;
    second[0] = 0x47;
    expect(spanning.toString()).toBe('defgh');
    expect(buffer.takeAll().toString()).toBe('ij');
  });

  test('accepts plain Uint8Array chunks without copying them', () => {
    const buffer = new FrameBuffer();
    const chunk = new Uint8Array([1, 2, 10, 3]);
    buffer.append(chunk);
    expect(buffer.find(toSeparatorBytes(Uint8Array.of(10)))).toEqual({ start: 2, end: 3, shortestStart: 2 });
    const frame = buffer.take(2);
    expect(Buffer.isBuffer(frame)).toBe(true);
    expect(frame.buffer).toBe(chunk.buffer);
  });

  test('take and discard reject counts beyond what is buffered', () => {
    const buffer = new FrameBuffer();
    buffer.append(Buffer.from('abc'));
    expect(() => buffer.take(4)).toThrow(/cannot take 4 bytes: 3 buffered/);
    expect(() => buffer.discard(-1)).toThrow(RangeError);
    expect(() => buffer.take(1.5)).toThrow(RangeError);
    expect(buffer.length).toBe(3);
  });

  test('a later find after more appends does not rescan what it already scanned', () => {
    const buffer = new FrameBuffer();
    const separators = toSeparatorBytes('\r\n');
    const calls: number[] = [];
    const chunkCount = 200;
    for (let i = 0; i < chunkCount; i++) {
      const chunk = Buffer.alloc(1024, 'x');
      const indexOf = chunk.indexOf.bind(chunk);
      chunk.indexOf = ((value: number, from?: number) => {
        calls.push(i);
        return indexOf(value, from);
      }) as typeof chunk.indexOf;
      buffer.append(chunk);
      expect(buffer.find(separators)).toBeNull();
    }
    // Each chunk is searched once when it arrives (plus at most one boundary re-check of the
    // previous chunk), not once per later find.
    expect(calls.length).toBeLessThanOrEqual(2 * chunkCount);
    buffer.append(Buffer.from('\r\n'));
    expect(buffer.find(separators)).toMatchObject({ start: chunkCount * 1024, end: chunkCount * 1024 + 2 });
  });

  test('a changed separator list restarts the scan; an equal but new list does not lose matches', () => {
    const buffer = new FrameBuffer();
    buffer.append(Buffer.from('aaaa\nbbbb\r\n'));
    expect(buffer.find(toSeparatorBytes('\r\n'))).toEqual({ start: 9, end: 11, shortestStart: 9 });
    expect(buffer.find(toSeparatorBytes('\n'))).toEqual({ start: 4, end: 5, shortestStart: 4 });
    expect(buffer.find(toSeparatorBytes('\n'))).toEqual({ start: 4, end: 5, shortestStart: 4 });
  });

  test('prefixAtEnd matches asynchat find_prefix_at_end on the documented cases', () => {
    const cases: (readonly [string, string, number])[] = [
      ['qwerty\r', '\r\n', 1],
      ['qwertydkjf', '\r\n', 0],
      ...FIND_PREFIX_AT_END_CASES,
    ];
    for (const [haystack, needle, expected] of cases) {
      const buffer = new FrameBuffer();
      for (const character of haystack) buffer.append(Buffer.from(character));
      expect([haystack, needle, buffer.prefixAtEnd(Buffer.from(needle))]).toEqual([haystack, needle, expected]);
    }
  });

  test('clear drops everything', () => {
    const buffer = new FrameBuffer();
    buffer.append(Buffer.from('abc\n'));
    buffer.clear();
    expect(buffer.length).toBe(0);
    expect(buffer.find(toSeparatorBytes('\n'))).toBeNull();
    buffer.append(Buffer.from('d\n'));
    expect(buffer.find(toSeparatorBytes('\n'))).toEqual({ start: 1, end: 2, shortestStart: 1 });
  });

  test('property: frames and matches equal the concat + indexOf reference at any chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SEPARATOR_SETS),
        dataArbitrary,
        chunkSizesArbitrary,
        fc.boolean(),
        (separator, data, sizes, findAfterEveryAppend) => {
          const separators = toSeparatorBytes(separator);
          const buffer = new FrameBuffer();
          let model = Buffer.alloc(0);
          const frames: string[] = [];
          const expectedFrames: string[] = [];
          const drain = (): void => {
            for (;;) {
              const match = buffer.find(separators);
              const expected = referenceFind(model, separators);
              expect(match).toEqual(expected);
              if (match === null || expected === null) return;
              frames.push(buffer.take(match.start).toString('latin1'));
              buffer.discard(match.end - match.start);
              expectedFrames.push(model.subarray(0, expected.start).toString('latin1'));
              model = model.subarray(expected.end);
              expect(buffer.length).toBe(model.length);
            }
          };
          for (const chunk of chunked(data, sizes)) {
            buffer.append(chunk);
            model = Buffer.concat([model, chunk]);
            for (const one of separators) {
              expect(buffer.prefixAtEnd(one)).toBe(referencePrefixAtEnd(model, one));
            }
            if (findAfterEveryAppend) drain();
          }
          drain();
          expect(frames).toEqual(expectedFrames);
          expect(buffer.takeAll().equals(model)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('property: the fast paths (findEnd/takeFrame, first-chunk single and bulk) give the reference frames', () => {
    type Way = 'find' | 'findEnd' | 'single' | 'bulk';
    fc.assert(
      fc.property(
        fc.constantFrom(...SEPARATOR_SETS),
        dataArbitrary,
        chunkSizesArbitrary,
        fc.array(fc.constantFrom<Way>('find', 'findEnd', 'single', 'bulk'), { minLength: 1, maxLength: 10 }),
        fc.boolean(),
        fc.integer({ min: 0, max: 12 }),
        (separator, data, sizes, ways, strip, maxFrameLength) => {
          const separators = toSeparatorBytes(separator);
          // The reference: frames of the whole string, split at first-ending matches.
          const expected: string[] = [];
          let rest = data;
          for (let match = referenceFind(rest, separators); match !== null; match = referenceFind(rest, separators)) {
            expected.push(rest.subarray(0, strip ? match.start : match.end).toString('latin1'));
            rest = rest.subarray(match.end);
          }
          const buffer = new FrameBuffer();
          const frames: string[] = [];
          let step = 0;
          const one = (): boolean => {
            const way = ways[step++ % ways.length];
            if (way === 'single' || way === 'bulk') {
              const before = buffer.length;
              if (way === 'single') {
                const frame = buffer.takeFrameInFirstChunk(separators, strip, maxFrameLength);
                if (frame !== null) {
                  expect(frame.length).toBeLessThanOrEqual(maxFrameLength + (strip ? 0 : separators[0].length));
                  frames.push(frame.toString('latin1'));
                  return true;
                }
              } else {
                const taken: Buffer[] = [];
                const count = buffer.takeFramesInFirstChunk(separators, strip, maxFrameLength, taken);
                expect(count).toBe(taken.length);
                frames.push(...taken.map((frame) => frame.toString('latin1')));
                if (count > 0) return true;
              }
              expect(buffer.length).toBe(before); // nothing taken, nothing changed
            }
            if (way === 'find') {
              const match = buffer.find(separators);
              if (match === null) return false;
              frames.push(buffer.take(strip ? match.start : match.end).toString('latin1'));
              buffer.discard(strip ? match.end - match.start : 0);
              return true;
            }
            const end = buffer.findEnd(separators);
            if (end === -1) return false;
            frames.push(buffer.takeFrame(strip ? buffer.matchStart : end, end).toString('latin1'));
            return true;
          };
          for (const chunk of chunked(data, sizes)) {
            buffer.append(chunk);
            while (one());
          }
          while (one());
          expect(frames).toEqual(expected);
          expect(buffer.takeAll().equals(rest)).toBe(true);
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('takeFrame rejects impossible lengths without changing anything', () => {
    const buffer = new FrameBuffer();
    buffer.append(Buffer.from('abc\n'));
    expect(() => buffer.takeFrame(3, 2)).toThrow(RangeError);
    expect(() => buffer.takeFrame(2, 5)).toThrow(/5 bytes: 4 buffered/);
    expect(buffer.length).toBe(4);
  });

  test('property: take(n) and discard(n) at random counts give the same bytes as slicing', () => {
    fc.assert(
      fc.property(
        dataArbitrary,
        chunkSizesArbitrary,
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 0, max: 60 })), { maxLength: 30 }),
        (data, sizes, operations) => {
          const buffer = new FrameBuffer();
          for (const chunk of chunked(data, sizes)) buffer.append(chunk);
          let offset = 0;
          for (const [isTake, wanted] of operations) {
            const n = Math.min(wanted, data.length - offset);
            if (isTake) expect(buffer.take(n).equals(data.subarray(offset, offset + n))).toBe(true);
            else buffer.discard(n);
            offset += n;
            expect(buffer.length).toBe(data.length - offset);
          }
          expect(buffer.takeAll().equals(data.subarray(offset))).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
