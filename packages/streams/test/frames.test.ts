import {
  ConcurrentReadError,
  IncompleteReadError,
  LimitOverrunError,
  StreamReader,
} from '@asynchat/streams';
import { collect, readerWith, rejection, settle, text } from './support/reader-harness';

describe('frames()', () => {
  test('yields frames without the separator by default, with it when strip is false', async () => {
    const frames = await collect(readerWith(['a\r\nbb\r', '\n\r\n'], { eof: true }).frames('\r\n'));
    expect(frames.map(text)).toEqual(['a', 'bb', '']);
    const kept = await collect(readerWith(['a\r\nbb\r\n'], { eof: true }).frames('\r\n', { strip: false }));
    expect(kept.map(text)).toEqual(['a\r\n', 'bb\r\n']);
  });

  test('waits for frames as data arrives', async () => {
    const reader = new StreamReader();
    const collected = collect(reader.frames('\n'));
    for (const piece of ['ab', 'c\nd', 'e\n\n', 'f\n']) {
      reader.feedData(Buffer.from(piece));
      await settle();
    }
    reader.feedEof();
    expect((await collected).map(text)).toEqual(['abc', 'de', '', 'f']);
  });

  test("partial 'throw' (default): IncompleteReadError carrying the tail after the last frame", async () => {
    const reader = readerWith(['a\nbc'], { eof: true });
    const frames = reader.frames('\n');
    expect(text((await frames.next()).value as Buffer)).toBe('a');
    const error = await rejection(frames.next());
    expect(error).toBeInstanceOf(IncompleteReadError);
    expect(text((error as IncompleteReadError).partial)).toBe('bc');
    expect(await frames.next()).toEqual({ done: true, value: undefined });
  });

  test("partial 'drop' discards the tail; 'yield' returns it as a last frame", async () => {
    expect((await collect(readerWith(['a\nbc'], { eof: true }).frames('\n', { partial: 'drop' }))).map(text)).toEqual([
      'a',
    ]);
    expect((await collect(readerWith(['a\nbc'], { eof: true }).frames('\n', { partial: 'yield' }))).map(text)).toEqual([
      'a',
      'bc',
    ]);
  });

  test('a clean EOF ends the iteration with no error', async () => {
    expect(await collect(readerWith([], { eof: true }).frames('\n'))).toEqual([]);
  });

  test('rejects a bad partial option and bad separators at once', () => {
    const reader = new StreamReader();
    expect(() => reader.frames('\n', { partial: 'keep' as 'drop' })).toThrow(/'throw', 'drop' or 'yield'/);
    expect(() => reader.frames('')).toThrow(RangeError);
  });

  test('a buffered frame is delivered without waiting for any I/O (synchronous fast path)', async () => {
    const reader = readerWith(['a\nb\n']);
    const frames = reader.frames('\n');
    let delivered = 0;
    void frames.next().then(() => delivered++);
    void frames.next().then(() => delivered++);
    await Promise.resolve();
    await Promise.resolve();
    expect(delivered).toBe(2);
  });

  test('an overlong frame rejects with LimitOverrunError, leaving the data buffered', async () => {
    const reader = readerWith(['ok\n', 'x'.repeat(20), '\n'], { limit: 8 });
    const frames = reader.frames('\n');
    expect(text((await frames.next()).value as Buffer)).toBe('ok');
    const error = await rejection(frames.next());
    expect(error).toBeInstanceOf(LimitOverrunError);
    expect((error as LimitOverrunError).consumed).toBe(20);
    expect(reader.buffered).toBe(21);
    expect((await frames.next()).done).toBe(true);
  });

  test('leaving the loop early keeps the reader usable for another framing', async () => {
    const reader = readerWith(['HEADER a\nHEADER b\nBODY\nhello', ' world']);
    const headers: string[] = [];
    for await (const line of reader.frames('\n')) {
      if (text(line) === 'BODY') break;
      headers.push(text(line) as string);
    }
    expect(headers).toEqual(['HEADER a', 'HEADER b']);
    expect(text(await reader.readExactly(11))).toBe('hello world');
  });

  test('return() while waiting ends the iteration and frees the reader for other reads', async () => {
    const reader = new StreamReader();
    const frames = reader.frames('\n');
    const pending = frames.next();
    await frames.return?.();
    expect(await pending).toEqual({ done: true, value: undefined });
    const line = reader.readLine();
    reader.feedData(Buffer.from('x\n'));
    expect(text(await line)).toBe('x\n');
  });

  test('a waiting frames() makes another waiting read fail with ConcurrentReadError', async () => {
    const reader = new StreamReader();
    const frames = reader.frames('\n');
    const pending = frames.next();
    expect(await rejection(reader.readExactly(1))).toMatchObject({ method: 'readExactly', waiting: 'frames' });
    const other = reader.frames('\n').next();
    expect(await rejection(other)).toBeInstanceOf(ConcurrentReadError);
    reader.feedData(Buffer.from('a\n'));
    expect(text((await pending).value as Buffer)).toBe('a');
  });

  test('an exception set while waiting rejects the pending next()', async () => {
    const reader = new StreamReader();
    const pending = reader.frames('\n').next();
    const failure = new Error('reset');
    reader.setException(failure);
    expect(await rejection(pending)).toBe(failure);
  });

  test('several separators: the first-ending match wins', async () => {
    const frames = await collect(readerWith(['a\r\nb\nc\r\n'], { eof: true }).frames(['\r\n', '\n']));
    expect(frames.map(text)).toEqual(['a', 'b', 'c']);
  });
});

describe('batches()', () => {
  test('yields every buffered frame at once, then waits', async () => {
    const reader = readerWith(['a\nb\nc']);
    const batches = reader.batches('\n', { partial: 'yield' });
    expect(((await batches.next()).value as Buffer[]).map(text)).toEqual(['a', 'b']);
    const pending = batches.next();
    reader.feedData(Buffer.from('\nd\ne\n'));
    expect(((await pending).value as Buffer[]).map(text)).toEqual(['c', 'd', 'e']);
    reader.feedData(Buffer.from('tail'));
    reader.feedEof();
    expect(((await batches.next()).value as Buffer[]).map(text)).toEqual(['tail']);
    expect((await batches.next()).done).toBe(true);
  });

  test('frames before an overrun are delivered, then the overrun is raised', async () => {
    const reader = readerWith(['a\nb\n' + 'x'.repeat(10)], { limit: 4 });
    const batches = reader.batches('\n');
    expect(((await batches.next()).value as Buffer[]).map(text)).toEqual(['a', 'b']);
    expect(await rejection(batches.next())).toBeInstanceOf(LimitOverrunError);
  });

  test("partial 'throw' and 'drop' at EOF", async () => {
    const thrown = readerWith(['a\nb'], { eof: true }).batches('\n');
    expect(((await thrown.next()).value as Buffer[]).map(text)).toEqual(['a']);
    expect(await rejection(thrown.next())).toBeInstanceOf(IncompleteReadError);
    const dropped = await collect(readerWith(['a\nb'], { eof: true }).batches('\n', { partial: 'drop' }));
    expect(dropped.map((batch) => batch.map(text))).toEqual([['a']]);
  });
});

describe('chunks()', () => {
  test('yields what is buffered, then chunks as they arrive, until EOF', async () => {
    const reader = readerWith(['line\nrest', 'more']);
    expect(text(await reader.readUntil('\n'))).toBe('line\n');
    const chunks = reader.chunks();
    expect(text((await chunks.next()).value as Buffer)).toBe('rest');
    expect(text((await chunks.next()).value as Buffer)).toBe('more');
    const pending = chunks.next();
    reader.feedData(Buffer.from('late'));
    expect(text((await pending).value as Buffer)).toBe('late');
    reader.feedEof();
    expect((await chunks.next()).done).toBe(true);
  });

  test('chunks are views of what was received, not copies', async () => {
    const reader = new StreamReader();
    const received = Buffer.from('abcdef');
    reader.feedData(received);
    const chunk = (await reader.chunks().next()).value as Buffer;
    received[0] = 0x41;
    expect(text(chunk)).toBe('Abcdef');
  });
});

describe('readFrame()', () => {
  test('a separator gives the frame without it; a number exactly n bytes; null everything to EOF', async () => {
    const reader = readerWith(['Content-Length: 5\r\nhello', 'REST OF', ' STREAM'], { eof: true });
    expect(text(await reader.readFrame('\r\n'))).toBe('Content-Length: 5');
    expect(text(await reader.readFrame(5))).toBe('hello');
    expect(text(await reader.readFrame(null))).toBe('REST OF STREAM');
    expect(await reader.readFrame(null)).toBeNull();
  });

  test('resolves null at a clean EOF for every kind of terminator; 0 gives an empty frame', async () => {
    const reader = readerWith([], { eof: true });
    expect(await reader.readFrame('\n')).toBeNull();
    expect(await reader.readFrame(3)).toBeNull();
    expect(await reader.readFrame(null)).toBeNull();
    expect(text(await reader.readFrame(0))).toBe('');
  });

  test('partial tails: throw (with expected), drop, yield', async () => {
    const counted = (await rejection(readerWith(['abc'], { eof: true }).readFrame(5))) as IncompleteReadError;
    expect(counted).toBeInstanceOf(IncompleteReadError);
    expect([text(counted.partial), counted.expected]).toEqual(['abc', 5]);
    const separated = (await rejection(readerWith(['abc'], { eof: true }).readFrame('\n'))) as IncompleteReadError;
    expect([text(separated.partial), separated.expected]).toEqual(['abc', null]);
    expect(await readerWith(['abc'], { eof: true }).readFrame(5, { partial: 'drop' })).toBeNull();
    expect(text(await readerWith(['abc'], { eof: true }).readFrame('\n', { partial: 'yield' }))).toBe('abc');
  });

  test('waits for data for each kind of terminator', async () => {
    const reader = new StreamReader();
    const line = reader.readFrame(Buffer.from('\r\n'));
    reader.feedData(Buffer.from('a\r'));
    await settle();
    reader.feedData(Buffer.from('\nbc'));
    expect(text(await line)).toBe('a');
    const counted = reader.readFrame(4);
    reader.feedData(Buffer.from('de'));
    expect(text(await counted)).toBe('bcde');
    const rest = reader.readFrame(null);
    reader.feedData(Buffer.from('xyz'));
    await settle();
    reader.feedEof();
    expect(text(await rest)).toBe('xyz');
  });

  test('bad terminators and options reject clearly', async () => {
    const reader = readerWith(['abc']);
    expect(await rejection(reader.readFrame(-1))).toBeInstanceOf(RangeError);
    expect(await rejection(reader.readFrame(2.5))).toBeInstanceOf(TypeError);
    expect(await rejection(reader.readFrame(''))).toBeInstanceOf(RangeError);
    expect(await rejection(reader.readFrame('\n', { partial: 'nope' as 'drop' }))).toBeInstanceOf(TypeError);
    expect(reader.buffered).toBe(3);
  });

  test('separator frames are bounded by the limit, counted frames are not', async () => {
    const reader = readerWith(['x'.repeat(12) + '\n'], { limit: 4 });
    expect(await rejection(reader.readFrame('\n'))).toBeInstanceOf(LimitOverrunError);
    expect(text(await reader.readFrame(13))).toBe('x'.repeat(12) + '\n');
  });
});
