import {
  ConcurrentReadError,
  DEFAULT_LIMIT,
  IncompleteReadError,
  LimitOverrunError,
  StreamReader,
} from '@asynchat/streams';
import { readerWith, rejection, settle, text } from './support/reader-harness';

describe('StreamReader construction', () => {
  test('limit defaults to 64 KiB and must be a positive integer', () => {
    expect(DEFAULT_LIMIT).toBe(65536);
    expect(new StreamReader().limit).toBe(65536);
    expect(new StreamReader({ limit: 10 }).limit).toBe(10);
    expect(() => new StreamReader({ limit: 0 })).toThrow(RangeError);
    expect(() => new StreamReader({ limit: -5 })).toThrow(/positive integer, got -5/);
    expect(() => new StreamReader({ limit: 1.5 })).toThrow(RangeError);
  });

  test('feedData rejects non-bytes and data after EOF', () => {
    const reader = new StreamReader();
    expect(() => reader.feedData('x' as unknown as Buffer)).toThrow(TypeError);
    reader.feedEof();
    expect(() => reader.feedData(Buffer.from('x'))).toThrow(/after feedEof/);
  });
});

describe('readUntil (asyncio readuntil)', () => {
  test('returns the frame with its separator, across chunks', async () => {
    const reader = readerWith(['HELO x\r', '\nMAIL', ' FROM:<a>\r\n']);
    expect(text(await reader.readUntil('\r\n'))).toBe('HELO x\r\n');
    expect(text(await reader.readUntil('\r\n'))).toBe('MAIL FROM:<a>\r\n');
    expect(reader.buffered).toBe(0);
  });

  test('defaults to \\n and accepts bytes separators', async () => {
    const reader = readerWith(['a\nb\0c']);
    expect(text(await reader.readUntil())).toBe('a\n');
    expect(text(await reader.readUntil(Uint8Array.of(0)))).toBe('b\0');
  });

  test('waits for the separator', async () => {
    const reader = new StreamReader();
    const pending = reader.readUntil('\r\n');
    reader.feedData(Buffer.from('abc\r'));
    await settle();
    reader.feedData(Buffer.from('\ndef'));
    expect(text(await pending)).toBe('abc\r\n');
    expect(reader.buffered).toBe(3);
  });

  test('several separators: the match that ends first wins', async () => {
    const reader = readerWith(['one\ntwo\r\nthree']);
    expect(text(await reader.readUntil(['\r\n', '\n']))).toBe('one\n');
    expect(text(await reader.readUntil(['\r\n', '\n']))).toBe('two\r\n');
    const overlapping = readerWith(['xxABCDyy']);
    expect(text(await overlapping.readUntil(['ABCD', 'BC']))).toBe('xxABC');
  });

  test('separator not found past the limit: LimitOverrunError, data left buffered', async () => {
    const reader = readerWith(['aaaaaaa'], { limit: 5 });
    const error = await rejection(reader.readUntil('\n'));
    expect(error).toBeInstanceOf(LimitOverrunError);
    expect(error).toMatchObject({ consumed: 7, message: 'Separator is not found, and chunk exceed the limit' });
    expect(reader.buffered).toBe(7);
  });

  test('the not-found overrun counts the separator that may still complete (asyncio: consumed 6)', async () => {
    const reader = readerWith(['aaaaaa\r'], { limit: 5 });
    expect(await rejection(reader.readUntil('\r\n'))).toMatchObject({ consumed: 6 });
  });

  test('separator found beyond the limit: LimitOverrunError with its position, data left buffered', async () => {
    const reader = readerWith(['aaaaa\nb'], { limit: 3 });
    const error = await rejection(reader.readUntil('\n'));
    expect(error).toMatchObject({ name: 'LimitOverrunError', consumed: 5 });
    expect((error as Error).message).toBe('Separator is found, but chunk is longer than limit');
    expect(reader.buffered).toBe(7);
    // The data can be read in another way afterwards.
    expect(text(await reader.readExactly(7))).toBe('aaaaa\nb');
  });

  test('with several separators ending together, the limit counts up to the shortest (asyncio 3.13)', async () => {
    // '\r\n' starts at 3, '\n' at 4: asyncio takes '\n' as the match for its limit check.
    const reader = readerWith(['abc\r\n'], { limit: 3 });
    expect(await rejection(reader.readUntil(['\r\n', '\n']))).toMatchObject({ consumed: 4 });
    const roomy = readerWith(['abc\r\n'], { limit: 4 });
    expect(text(await roomy.readUntil(['\r\n', '\n']))).toBe('abc\r\n');
  });

  test('a frame of exactly limit bytes passes', async () => {
    expect(text(await readerWith(['aaaaa\n'], { limit: 5 }).readUntil('\n'))).toBe('aaaaa\n');
  });

  test('an overrun waits until the buffer exceeds the limit', async () => {
    const reader = new StreamReader({ limit: 4 });
    const pending = reader.readUntil('\n');
    reader.feedData(Buffer.from('abcd'));
    await settle();
    reader.feedData(Buffer.from('e'));
    expect(await rejection(pending)).toMatchObject({ consumed: 5 });
  });

  test('at EOF without a separator: IncompleteReadError with the whole buffer, buffer cleared', async () => {
    const reader = readerWith(['abc\r'], { eof: true });
    const error = await rejection(reader.readUntil('\r\n'));
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect(text((error as IncompleteReadError).partial)).toBe('abc\r');
    expect((error as IncompleteReadError).expected).toBeNull();
    expect((error as Error).message).toBe('4 bytes read on a total of undefined expected bytes');
    expect(reader.buffered).toBe(0);
    expect(reader.atEof()).toBe(true);
  });

  test('at a clean EOF: IncompleteReadError with an empty partial', async () => {
    const error = await rejection(readerWith([], { eof: true }).readUntil('\n'));
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect((error as IncompleteReadError).partial.length).toBe(0);
  });

  test('the buffer is checked before EOF, and the overrun before EOF', async () => {
    expect(text(await readerWith(['a\n'], { eof: true }).readUntil('\n'))).toBe('a\n');
    const overrun = readerWith(['aaaaaaaaaaa'], { eof: true, limit: 5 });
    expect(await rejection(overrun.readUntil('\n'))).toBeInstanceOf(LimitOverrunError);
  });

  test('bad separators reject with TypeError / RangeError', async () => {
    const reader = readerWith(['a\n']);
    expect(await rejection(reader.readUntil(''))).toBeInstanceOf(RangeError);
    expect(await rejection(reader.readUntil([]))).toBeInstanceOf(RangeError);
    expect(await rejection(reader.readUntil('é'))).toBeInstanceOf(TypeError);
    expect(reader.buffered).toBe(2);
  });

  test('tryReadUntil reads without waiting', () => {
    const reader = readerWith(['a\nb']);
    expect(text(reader.tryReadUntil('\n'))).toBe('a\n');
    expect(reader.tryReadUntil('\n')).toBeNull();
    reader.feedData(Buffer.from('\n'));
    expect(text(reader.tryReadUntil())).toBe('b\n');
    const overrun = readerWith(['aaaaaa'], { limit: 3 });
    expect(() => overrun.tryReadUntil('\n')).toThrow(LimitOverrunError);
  });
});

describe('readLine (asyncio readline)', () => {
  test('returns lines with \\n, the partial last line, then an empty buffer', async () => {
    const reader = readerWith(['ab\ncd'], { eof: true });
    expect(text(await reader.readLine())).toBe('ab\n');
    expect(text(await reader.readLine())).toBe('cd');
    expect(text(await reader.readLine())).toBe('');
    expect(text(await reader.readLine())).toBe('');
  });

  test('an overlong line with its \\n buffered is dropped through the \\n', async () => {
    const reader = readerWith(['aaaaa\nb'], { limit: 3 });
    const error = await rejection(reader.readLine());
    expect(error).toMatchObject({ name: 'LimitOverrunError', consumed: 5 });
    expect(reader.buffered).toBe(1);
    reader.feedData(Buffer.from('c\n'));
    expect(text(await reader.readLine())).toBe('bc\n');
  });

  test('an overlong line without \\n clears the buffer', async () => {
    const reader = readerWith(['aaaaab'], { limit: 3 });
    expect(await rejection(reader.readLine())).toBeInstanceOf(LimitOverrunError);
    expect(reader.buffered).toBe(0);
  });

  test('async iteration yields lines with \\n until EOF', async () => {
    const reader = readerWith(['ab\n', 'cd\nef'], { eof: true });
    const lines: string[] = [];
    for await (const line of reader) lines.push(line.toString());
    expect(lines).toEqual(['ab\n', 'cd\n', 'ef']);
  });
});

describe('readExactly (asyncio readexactly)', () => {
  test('reads exactly n bytes across chunks and waits for them', async () => {
    const reader = readerWith(['abc', 'de']);
    expect(text(await reader.readExactly(4))).toBe('abcd');
    const pending = reader.readExactly(3);
    reader.feedData(Buffer.from('fg'));
    expect(text(await pending)).toBe('efg');
  });

  test('0 gives an empty buffer, negative counts throw', async () => {
    const reader = readerWith([], { eof: true });
    expect((await reader.readExactly(0)).length).toBe(0);
    expect(await rejection(reader.readExactly(-1))).toBeInstanceOf(RangeError);
    expect(await rejection(reader.readExactly(1.5))).toBeInstanceOf(TypeError);
  });

  test('EOF first: IncompleteReadError with the partial bytes and expected = n', async () => {
    const reader = readerWith(['abc'], { eof: true });
    const error = (await rejection(reader.readExactly(5))) as IncompleteReadError;
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect(text(error.partial)).toBe('abc');
    expect(error.expected).toBe(5);
    expect(error.message).toBe('3 bytes read on a total of 5 expected bytes');
    expect(reader.buffered).toBe(0);
  });

  test('is not bounded by the limit', async () => {
    const reader = readerWith(['x'.repeat(100)], { limit: 4 });
    expect((await reader.readExactly(100)).length).toBe(100);
  });
});

describe('read (asyncio read)', () => {
  test('n > 0 returns at most n of what is buffered, then empty at EOF', async () => {
    const reader = readerWith(['ab'], { eof: true });
    expect(text(await reader.read(1))).toBe('a');
    expect(text(await reader.read(5))).toBe('b');
    expect(text(await reader.read(5))).toBe('');
    expect(text(await reader.read())).toBe('');
  });

  test('n > 0 waits for at least one byte', async () => {
    const reader = new StreamReader();
    const pending = reader.read(10);
    reader.feedData(Buffer.from('xy'));
    expect(text(await pending)).toBe('xy');
  });

  test('read() reads until EOF, past the limit', async () => {
    const reader = new StreamReader({ limit: 2 });
    const pending = reader.read();
    for (const piece of ['abc', 'def', 'ghi']) {
      reader.feedData(Buffer.from(piece));
      await settle();
    }
    reader.feedEof();
    expect(text(await pending)).toBe('abcdefghi');
  });

  test('read(0) is empty without waiting', async () => {
    expect((await new StreamReader().read(0)).length).toBe(0);
  });
});

describe('exceptions and the one-waiter rule', () => {
  test('setException fails a waiting read and every later read, even with data buffered', async () => {
    const reader = new StreamReader();
    const pending = reader.readUntil('\n');
    const failure = new Error('boom');
    reader.feedData(Buffer.from('abc'));
    reader.setException(failure);
    expect(await rejection(pending)).toBe(failure);
    expect(reader.exception()).toBe(failure);
    expect(await rejection(reader.read(1))).toBe(failure);
    expect(await rejection(reader.readExactly(1))).toBe(failure);
    expect(await rejection(reader.readFrame('\n'))).toBe(failure);
    expect(reader.atEof()).toBe(false);
  });

  test('a second waiting read rejects with ConcurrentReadError; the first goes on', async () => {
    const reader = new StreamReader();
    const first = reader.read(1);
    const error = await rejection(reader.readLine());
    expect(error).toBeInstanceOf(ConcurrentReadError);
    expect(error).toMatchObject({ method: 'readLine', waiting: 'read' });
    reader.feedData(Buffer.from('z\n'));
    expect(text(await first)).toBe('z');
    // A read that does not need to wait is fine.
    expect(text(await reader.readLine())).toBe('\n');
  });

  test('atEof is true only when EOF was fed and the buffer is empty', async () => {
    const reader = readerWith(['a']);
    expect(reader.atEof()).toBe(false);
    reader.feedEof();
    expect(reader.atEof()).toBe(false);
    await reader.read(1);
    expect(reader.atEof()).toBe(true);
  });
});

describe('flow control', () => {
  /** A transport that records pause/resume calls. */
  function recordingTransport(): { calls: string[]; pause(): void; resume(): void } {
    const calls: string[] = [];
    return { calls, pause: () => calls.push('pause'), resume: () => calls.push('resume') };
  }

  test('pauses above 2 * limit, resumes at or below limit', async () => {
    const reader = new StreamReader({ limit: 10 });
    const transport = recordingTransport();
    reader.setTransport(transport);
    reader.feedData(Buffer.alloc(20, 'a'));
    expect(transport.calls).toEqual([]);
    reader.feedData(Buffer.from('a'));
    expect(transport.calls).toEqual(['pause']);
    await reader.readExactly(5); // 16 left
    expect(transport.calls).toEqual(['pause']);
    await reader.readExactly(6); // 10 left
    expect(transport.calls).toEqual(['pause', 'resume']);
  });

  test('readExactly(n > 2 * limit) resumes before waiting, so it cannot deadlock', async () => {
    const reader = new StreamReader({ limit: 4 });
    const transport = recordingTransport();
    reader.setTransport(transport);
    const pending = reader.readExactly(30);
    for (let i = 0; i < 10; i++) {
      reader.feedData(Buffer.from('abc'));
      await settle();
    }
    expect((await pending).length).toBe(30);
    expect(transport.calls.filter((call) => call === 'pause').length).toBeGreaterThan(0);
    // Every pause was followed by a resume: the transport is not left paused.
    expect(transport.calls[transport.calls.length - 1]).toBe('resume');
  });

  test('frames() resumes a paused transport as it consumes', async () => {
    const reader = new StreamReader({ limit: 8 });
    const transport = recordingTransport();
    reader.setTransport(transport);
    reader.feedData(Buffer.from('aaaa\n'.repeat(6))); // 30 bytes > 16
    expect(transport.calls).toEqual(['pause']);
    const frames = reader.frames('\n');
    for (let i = 0; i < 5; i++) await frames.next();
    expect(transport.calls).toEqual(['pause', 'resume']);
  });
});
