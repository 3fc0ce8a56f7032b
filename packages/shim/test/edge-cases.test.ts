/**
 * The edge cases E1-E15 of the semantics reference (section 1.5), deterministic: a subclass that
 * overrides recv() and send() with a script (as legacy subclasses do), driven by asyncore.read
 * events exactly as the loop drives them. Traces are written as text for readability:
 * C(x) collect_incoming_data, F[t] found_terminator with get_terminator() at entry,
 * X handle_close, S(x) send.
 */
import fc from 'fast-check';
import * as asynchat from '@asynchat/shim/asynchat';
import * as asyncore from '@asynchat/shim/asyncore';
import type { ChannelSocket } from '../src/channel-socket';

function show(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Buffer.from(value as Uint8Array).toString('latin1');
}

/** A legacy-style subclass: recv/send overridden by a script, everything else inherited. */
class Scripted extends asynchat.async_chat {
  trace: string[] = [];
  recvSizes: number[] = [];
  onFound: (channel: Scripted, call: number) => void = () => undefined;
  private found = 0;
  private readonly chunks: Buffer[];

  constructor(chunks: string[], terminator: asynchat.Terminator) {
    super();
    this.chunks = chunks.map((chunk) => Buffer.from(chunk, 'latin1'));
    this.connected = true;
    this.set_terminator(terminator);
  }

  override recv(buffer_size: number): Buffer {
    this.recvSizes.push(buffer_size);
    const chunk = this.chunks.shift();
    if (chunk === undefined) {
      this.handle_close();
      return Buffer.alloc(0);
    }
    if (chunk.length > buffer_size) this.chunks.unshift(chunk.subarray(buffer_size));
    return chunk.subarray(0, buffer_size);
  }

  override send(data: Uint8Array): number {
    this.trace.push(`S(${show(data)})`);
    return data.length;
  }

  override collect_incoming_data(data: Buffer): void {
    this.trace.push(`C(${show(data)})`);
  }

  override found_terminator(): void {
    this.trace.push(`F[${show(this.get_terminator())}]`);
    this.found += 1;
    this.onFound(this, this.found);
  }

  override handle_close(): void {
    this.trace.push('X');
    this.close();
  }

  /** Read events until the EOF read has closed the channel. */
  readAll(): string[] {
    for (let i = 0; i < 1000 && this.trace[this.trace.length - 1] !== 'X'; i++) asyncore.read(this);
    return this.trace;
  }
}

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

test('E1 several messages in one recv are all dispatched in that read', () => {
  const channel = new Scripted(['one\ntwo\nthree\n'], bytes('\n'));
  asyncore.read(channel);
  expect(channel.trace).toEqual(['C(one)', 'F[\n]', 'C(two)', 'F[\n]', 'C(three)', 'F[\n]']);
});

test('E2 a terminator split across reads: its prefix is held back, the rest collected at once', () => {
  const channel = new Scripted(['abc\r', '\ndef\r\n'], bytes('\r\n'));
  asyncore.read(channel);
  expect(channel.trace).toEqual(['C(abc)']);
  expect(channel.ac_in_buffer).toEqual(bytes('\r'));
  asyncore.read(channel);
  expect(channel.trace).toEqual(['C(abc)', 'F[\r\n]', 'C(def)', 'F[\r\n]']);
});

test('E2 a buffer that is all prefix collects nothing', () => {
  const channel = new Scripted(['\r\n.', '\r', '\nX\r\n.\r\n'], bytes('\r\n.\r\n'));
  asyncore.read(channel);
  asyncore.read(channel);
  expect(channel.trace).toEqual([]);
  expect(channel.ac_in_buffer).toEqual(bytes('\r\n.\r'));
  asyncore.read(channel);
  expect(channel.trace).toEqual(['F[\r\n.\r\n]', 'C(X)', 'F[\r\n.\r\n]']);
});

test('E3 a false prefix is delivered later inside a larger collect', () => {
  expect(new Scripted(['a\r', 'b\r\n'], bytes('\r\n')).readAll()).toEqual(['C(a)', 'C(\rb)', 'F[\r\n]', 'X']);
});

test('E4 one-byte terminators never hold back', () => {
  expect(new Scripted(['ab', 'c\n'], bytes('\n')).readAll()).toEqual(['C(ab)', 'C(c)', 'F[\n]', 'X']);
});

test('E5 empty messages call found_terminator without a collect', () => {
  expect(new Scripted(['\n\nx\n\n'], bytes('\n')).readAll()).toEqual(['F[\n]', 'F[\n]', 'C(x)', 'F[\n]', 'F[\n]', 'X']);
});

test('E6 an integer terminator counts down across reads, then stays 0', () => {
  const channel = new Scripted(['ab', 'cd', 'efg', 'hij'], 5);
  const terminators: unknown[] = [];
  for (let i = 0; i < 4; i++) {
    asyncore.read(channel);
    terminators.push(channel.terminator);
  }
  expect(terminators).toEqual([3, 1, 0, 0]);
  expect(channel.trace).toEqual(['C(ab)', 'C(cd)', 'C(e)', 'F[0]', 'C(fg)', 'C(hij)']);
});

test('E6 the count-down writes terminator directly, not through set_terminator', () => {
  const calls: unknown[] = [];
  const channel = new (class extends Scripted {
    override set_terminator(term: asynchat.Terminator): void {
      calls.push(term);
      super.set_terminator(term);
    }
  })(['abcdef'], 4);
  channel.readAll();
  expect(calls).toEqual([4]);
  expect(channel.trace).toEqual(['C(abcd)', 'F[0]', 'C(ef)', 'X']);
});

test('E7 set_terminator(0) is legal: collect everything, never found', () => {
  expect(new Scripted(['abc', 'def'], 0).readAll()).toEqual(['C(abc)', 'C(def)', 'X']);
  expect(new Scripted(['abc', 'def'], bytes('')).readAll()).toEqual(['C(abc)', 'C(def)', 'X']);
  expect(new Scripted(['abc'], false).readAll()).toEqual(['C(abc)', 'X']);
});

test('E8 a None terminator collects until close', () => {
  expect(new Scripted(['abc\n', 'def'], null).readAll()).toEqual(['C(abc\n)', 'C(def)', 'X']);
});

test('E9 a terminator changed inside found_terminator applies to the rest of the same buffer', () => {
  const channel = new Scripted(['LEN 4\nbodyrest of line\nnext\n'], bytes('\n'));
  channel.onFound = (self, call) => {
    if (call === 1) self.set_terminator(4);
    if (call === 2) self.set_terminator(bytes('\n'));
  };
  asyncore.read(channel);
  expect(channel.trace).toEqual(['C(LEN 4)', 'F[\n]', 'C(body)', 'F[0]', 'C(rest of line)', 'F[\n]', 'C(next)', 'F[\n]']);
});

test('E9 get_terminator is asked on every iteration (a dynamic override)', () => {
  const terminators = [bytes(';'), bytes(','), 2];
  const channel = new (class extends Scripted {
    override get_terminator(): asynchat.Terminator {
      return terminators[0];
    }
  })(['a;b,cdef'], bytes(';'));
  channel.onFound = () => void terminators.shift();
  asyncore.read(channel);
  expect(channel.trace).toEqual(['C(a)', 'F[;]', 'C(b)', 'F[,]', 'C(cd)', 'F[2]', 'C(ef)']);
});

test('E10 close() inside found_terminator does not stop parsing; push() sends in between', () => {
  const channel = new Scripted(['a\nb\nc\n'], bytes('\n'));
  channel.onFound = (self, call) => {
    self.push(bytes(`reply${call}`));
    if (call === 1) self.close();
  };
  asyncore.read(channel);
  // After close() the channel is not connected, so later pushes stay queued.
  expect(channel.trace).toEqual(['C(a)', 'F[\n]', 'S(reply1)', 'C(b)', 'F[\n]', 'C(c)', 'F[\n]']);
  expect(channel.connected).toBe(false);
  expect(channel.producer_fifo.length).toBe(2);
});

test('E10 close_when_done() inside found_terminator closes after the queue drains', () => {
  const channel = new Scripted(['a\nb\n'], bytes('\n'));
  channel.onFound = (self, call) => {
    if (call === 1) {
      self.push_with_producer(new asynchat.simple_producer(bytes('bye'), 2));
      self.close_when_done();
    }
  };
  asyncore.read(channel);
  // push_with_producer sends the producer's first chunk at once; the rest waits for write events.
  expect(channel.trace).toEqual(['C(a)', 'F[\n]', 'S(by)', 'C(b)', 'F[\n]']);
  asyncore.write(channel);
  expect(channel.trace.slice(5)).toEqual(['S(e)']);
  expect(channel.connected).toBe(true);
  asyncore.write(channel);
  expect(channel.trace.slice(5)).toEqual(['S(e)', 'X']);
  expect(channel.connected).toBe(false);
});

test('E11 an exception in found_terminator propagates; the rest stays in ac_in_buffer', () => {
  const channel = new Scripted(['a\nb\nc\n'], bytes('\n'));
  channel.onFound = () => {
    throw new Error('boom');
  };
  expect(() => channel.handle_read()).toThrow('boom');
  expect(channel.ac_in_buffer).toEqual(bytes('b\nc\n'));
  expect(channel.trace).toEqual(['C(a)', 'F[\n]']);
});

test('E11 an exception in collect_incoming_data leaves its bytes unconsumed', () => {
  const channel = new (class extends Scripted {
    override collect_incoming_data(data: Buffer): void {
      if (show(data) === 'def') throw new Error('collect failed');
      super.collect_incoming_data(data);
    }
  })(['abc\ndef\nghi'], bytes('\n'));
  expect(() => channel.handle_read()).toThrow('collect failed');
  expect(channel.ac_in_buffer).toEqual(bytes('def\nghi'));
  expect(channel.trace).toEqual(['C(abc)', 'F[\n]']);
});

test('E11 through the loop wrapper: handle_error logs an error line and closes the channel', () => {
  const channel = new Scripted(['a\nb\n'], bytes('\n'));
  channel.onFound = () => {
    throw new TypeError('bad line');
  };
  const logged: [string, string][] = [];
  channel.log_info = (message: unknown, type = 'info') => void logged.push([String(message), type]);
  asyncore.read(channel);
  expect(channel.trace).toEqual(['C(a)', 'F[\n]', 'X']);
  expect(logged).toHaveLength(1);
  const [message, type] = logged[0];
  expect(type).toBe('error');
  expect(message).toMatch(/^uncaptured python exception, closing channel <.* at 0x[0-9a-f]+> \(TypeError:bad line \[.*\|.*\|\d+\]/);
  expect(message).toContain('edge-cases.test.ts');
});

test('E11 the base class collect_incoming_data / found_terminator throw NotImplementedError', () => {
  const channel = new asynchat.async_chat();
  for (const call of [() => channel.collect_incoming_data(bytes('x')), () => channel.found_terminator()]) {
    let thrown: unknown;
    try {
      call();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).name).toBe('NotImplementedError');
    expect((thrown as Error).message).toBe('must be implemented in subclass');
  }
});

describe('E12 recv errors (inside dispatcher.recv)', () => {
  function channelWithFailingRecv(code: string): { channel: asynchat.async_chat; events: string[] } {
    const events: string[] = [];
    const channel = new (class extends asynchat.async_chat {
      override collect_incoming_data(): void {
        events.push('collect');
      }
      override handle_close(): void {
        events.push('close');
        super.handle_close();
      }
      override handle_error(error?: unknown): void {
        events.push(`error ${(error as { code?: string }).code}`);
        this.handle_close();
      }
    })();
    const failure = Object.assign(new Error(code), { code, errno: 1 });
    channel.set_socket({ fileno: () => 9000 + events.length, recv: () => { throw failure; }, close: () => undefined } as unknown as ChannelSocket, new Map());
    channel.set_terminator(bytes('\n'));
    return { channel, events };
  }

  test.each(['ECONNRESET', 'ENOTCONN', 'ESHUTDOWN', 'ECONNABORTED', 'EPIPE', 'EBADF'])('%s closes the channel', (code) => {
    const { channel, events } = channelWithFailingRecv(code);
    asyncore.read(channel);
    expect(events).toEqual(['close']);
  });

  test('another OSError (EIO) goes to handle_error', () => {
    const { channel, events } = channelWithFailingRecv('EIO');
    asyncore.read(channel);
    expect(events).toEqual(['error EIO', 'close']);
  });

  test('BlockingIOError (EAGAIN) is ignored', () => {
    const { channel, events } = channelWithFailingRecv('EAGAIN');
    asyncore.read(channel);
    expect(events).toEqual([]);
  });
});

test('E13 at EOF a held prefix is never delivered and collected bytes are not flushed', () => {
  const held = new Scripted(['abc\r'], bytes('\r\n'));
  expect(held.readAll()).toEqual(['C(abc)', 'X']);
  expect(held.ac_in_buffer).toEqual(bytes('\r'));
  expect(new Scripted(['abc'], bytes('\n')).readAll()).toEqual(['C(abc)', 'X']);
});

test('E14 ac_in_buffer holds at most len(terminator)-1 bytes between reads; lines are unbounded', () => {
  const terminator = bytes('\r\n.\r\n');
  const chunk = Buffer.alloc(65536, 'x'.charCodeAt(0));
  const channel = new (class extends Scripted {
    collected = 0;
    override collect_incoming_data(data: Buffer): void {
      this.collected += data.length;
    }
  })([], terminator);
  const chunks = Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? chunk : Buffer.concat([chunk, bytes('\r\n.')])));
  channel.recv = () => chunks.shift() ?? Buffer.alloc(0);
  for (let i = 0; i < 32; i++) {
    asyncore.read(channel);
    expect(channel.ac_in_buffer.length).toBeLessThanOrEqual(terminator.length - 1);
    expect(channel.readable()).toBeTruthy();
  }
  expect(channel.collected + channel.ac_in_buffer.length).toBe(32 * 65536 + 16 * 3);
});

test('E15 handle_read asks recv for ac_in_buffer_size bytes; collect calls follow the chunks', () => {
  const channel = new Scripted(['abcdefgh\n'], bytes('\n'));
  channel.ac_in_buffer_size = 3;
  expect(channel.readAll()).toEqual(['C(abc)', 'C(def)', 'C(gh)', 'F[\n]', 'X']);
  expect(new Set(channel.recvSizes)).toEqual(new Set([3]));
});

test('property: messages survive any chunking and ac_in_buffer stays below the terminator length', () => {
  const terminators = ['\n', '\r\n', 'ABABC', '\r\n.\r\n', 'qqq'];
  fc.assert(
    fc.property(
      fc.constantFrom(...terminators),
      fc.array(fc.stringMatching(/^[ABCqrn\r\n.x]{0,12}$/), { maxLength: 12 }),
      fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 20 }),
      (terminator, pieces, cuts) => {
        // Reference model: split the stream at the first occurrence of the terminator, repeatedly.
        const stream = pieces.join('');
        const expected: string[] = [];
        let rest = stream;
        for (let at = rest.indexOf(terminator); at !== -1; at = rest.indexOf(terminator)) {
          expected.push(rest.slice(0, at));
          rest = rest.slice(at + terminator.length);
        }
        const chunks: string[] = [];
        for (let i = 0, c = 0; i < stream.length; c++) {
          const size = cuts[c % cuts.length];
          chunks.push(stream.slice(i, i + size));
          i += size;
        }
        const messages: string[] = [];
        let current = '';
        const channel = new (class extends Scripted {
          override collect_incoming_data(data: Buffer): void {
            expect(data.length).toBeGreaterThan(0);
            current += show(data);
          }
          override found_terminator(): void {
            messages.push(current);
            current = '';
          }
        })(chunks, bytes(terminator));
        for (let i = 0; i < chunks.length; i++) {
          asyncore.read(channel);
          expect(channel.ac_in_buffer.length).toBeLessThan(terminator.length);
        }
        expect(messages).toEqual(expected);
        expect(current + show(channel.ac_in_buffer)).toBe(rest);
      },
    ),
    { numRuns: 300 },
  );
});
