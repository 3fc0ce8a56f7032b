import fc from 'fast-check';
import {
  IncompleteReadError,
  LimitOverrunError,
  StreamReader,
  toSeparatorBytes,
  type PartialFrame,
  type Separator,
} from '@asynchat/streams';
import { chunked } from './support/chunked';
import { referenceFind } from './support/first-match-model';

/**
 * Property tests: the reader, fed at random chunk boundaries (with the consumer running between
 * chunks or not), gives exactly what a simple model computes on the whole byte string at once.
 */

const SEPARATORS: Separator[] = ['\n', '\r\n', 'ABABC', '\r\n.\r\n', ['\r\n', '\n'], ['ABABC', 'BC', '\r\n.\r\n']];
const PARTIALS: PartialFrame[] = ['throw', 'drop', 'yield'];

/** Bytes mostly from the separators' alphabet, so matches, near-matches and overlaps are common. */
const dataArbitrary = fc
  .array(fc.constantFrom(...Buffer.from('ABC\r\n.x')), { maxLength: 300 })
  .map((bytes) => Buffer.from(bytes));
const chunkSizesArbitrary = fc.array(fc.integer({ min: 1, max: 25 }), { minLength: 1, maxLength: 20 });

type Outcome = { frames: string[]; error: 'incomplete' | 'overrun' | null };

function modelFrames(data: Buffer, separator: Separator, strip: boolean, partial: PartialFrame, limit: number): Outcome {
  const separators = toSeparatorBytes(separator);
  const longest = Math.max(...separators.map((one) => one.length));
  const frames: string[] = [];
  let rest = data;
  for (;;) {
    const match = referenceFind(rest, separators);
    if (match !== null) {
      if (match.shortestStart > limit) return { frames, error: 'overrun' };
      frames.push(rest.subarray(0, strip ? match.start : match.end).toString('latin1'));
      rest = rest.subarray(match.end);
      continue;
    }
    if (rest.length + 1 - longest > limit) return { frames, error: 'overrun' };
    if (rest.length === 0 || partial === 'drop') return { frames, error: null };
    if (partial === 'throw') return { frames, error: 'incomplete' };
    frames.push(rest.toString('latin1'));
    return { frames, error: null };
  }
}

function classify(error: unknown): 'incomplete' | 'overrun' {
  if (error instanceof IncompleteReadError) return 'incomplete';
  if (error instanceof LimitOverrunError) return 'overrun';
  throw error;
}

/** Feeds the chunks, letting the consumer run between them when `yieldBetween` says so. */
async function feed(reader: StreamReader, chunks: Buffer[], yieldBetween: boolean[]): Promise<void> {
  for (let i = 0; i < chunks.length; i++) {
    reader.feedData(chunks[i]);
    if (yieldBetween[i % yieldBetween.length]) await new Promise((resolve) => setImmediate(resolve));
  }
  reader.feedEof();
}

type Mode = 'frames' | 'batches' | 'readFrame' | 'readUntil';

async function consume(reader: StreamReader, mode: Mode, separator: Separator, strip: boolean, partial: PartialFrame): Promise<Outcome> {
  const frames: string[] = [];
  try {
    if (mode === 'frames') {
      for await (const frame of reader.frames(separator, { strip, partial })) frames.push(frame.toString('latin1'));
    } else if (mode === 'batches') {
      for await (const batch of reader.batches(separator, { strip, partial })) {
        if (batch.length === 0) throw new Error('batches() yielded an empty batch');
        for (const frame of batch) frames.push(frame.toString('latin1'));
      }
    } else if (mode === 'readFrame') {
      // readFrame always strips.
      for (let frame = await reader.readFrame(separator, { partial }); frame !== null; frame = await reader.readFrame(separator, { partial })) {
        frames.push(frame.toString('latin1'));
      }
    } else {
      // A readUntil loop (separator kept), ending as asyncio code does: IncompleteReadError at EOF.
      for (;;) {
        try {
          frames.push((await reader.readUntil(separator)).toString('latin1'));
        } catch (error) {
          if (error instanceof IncompleteReadError && error.partial.length === 0) break;
          throw error;
        }
      }
    }
  } catch (error) {
    return { frames, error: classify(error) };
  }
  return { frames, error: null };
}

describe('property: framed reads equal the model at any chunking', () => {
  const modes: Mode[] = ['frames', 'batches', 'readFrame', 'readUntil'];
  for (const mode of modes) {
    test(mode, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.constantFrom(...SEPARATORS),
          dataArbitrary,
          chunkSizesArbitrary,
          fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
          fc.boolean(),
          fc.constantFrom(...PARTIALS),
          fc.constantFrom(8, 40, 65536),
          async (separator, data, sizes, yieldBetween, stripOption, partial, limit) => {
            const strip = mode === 'readFrame' ? true : mode === 'readUntil' ? false : stripOption;
            const effectivePartial = mode === 'readUntil' ? 'throw' : partial;
            const reader = new StreamReader({ limit });
            const consumed = consume(reader, mode, separator, strip, effectivePartial);
            await feed(reader, chunked(data, sizes), yieldBetween);
            const outcome = await consumed;
            expect(outcome).toEqual(modelFrames(data, separator, strip, effectivePartial, limit));
          },
        ),
        { numRuns: 250 },
      );
    });
  }
});

type Step = { kind: 'separator'; separator: Separator } | { kind: 'count'; n: number } | { kind: 'rest' };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  fc.constantFrom(...SEPARATORS).map((separator): Step => ({ kind: 'separator', separator })),
  fc.integer({ min: 0, max: 30 }).map((n): Step => ({ kind: 'count', n })),
  fc.constant<Step>({ kind: 'rest' }),
);

/** readFrame over a whole byte string: what each step returns, until an error. */
function modelReadFrames(data: Buffer, steps: Step[], partials: PartialFrame[]): (string | null | 'incomplete')[] {
  const results: (string | null | 'incomplete')[] = [];
  let rest = data;
  const tail = (partial: PartialFrame): string | null | 'incomplete' => {
    if (rest.length === 0) return null;
    const value = rest.toString('latin1');
    rest = rest.subarray(rest.length);
    return partial === 'throw' ? 'incomplete' : partial === 'drop' ? null : value;
  };
  for (let i = 0; i < steps.length; i++) {
    const step = steps[i];
    const partial = partials[i % partials.length];
    let result: string | null | 'incomplete';
    if (step.kind === 'separator') {
      const match = referenceFind(rest, toSeparatorBytes(step.separator));
      if (match === null) result = tail(partial);
      else {
        result = rest.subarray(0, match.start).toString('latin1');
        rest = rest.subarray(match.end);
      }
    } else if (step.kind === 'count') {
      if (step.n === 0) result = '';
      else if (rest.length >= step.n) {
        result = rest.subarray(0, step.n).toString('latin1');
        rest = rest.subarray(step.n);
      } else result = tail(partial);
    } else {
      result = rest.length === 0 ? null : rest.toString('latin1');
      rest = rest.subarray(rest.length);
    }
    results.push(result);
    if (result === 'incomplete') break;
  }
  return results;
}

test('property: readFrame with mixed separator / count / null terminators equals the model', async () => {
  await fc.assert(
    fc.asyncProperty(
      dataArbitrary,
      fc.array(stepArbitrary, { minLength: 1, maxLength: 25 }),
      fc.array(fc.constantFrom(...PARTIALS), { minLength: 1, maxLength: 5 }),
      chunkSizesArbitrary,
      fc.array(fc.boolean(), { minLength: 1, maxLength: 8 }),
      async (data, steps, partials, sizes, yieldBetween) => {
        const reader = new StreamReader();
        const consumed = (async () => {
          const results: (string | null | 'incomplete' | 'overrun')[] = [];
          for (let i = 0; i < steps.length; i++) {
            const step = steps[i];
            const terminator = step.kind === 'separator' ? step.separator : step.kind === 'count' ? step.n : null;
            try {
              const frame = await reader.readFrame(terminator, { partial: partials[i % partials.length] });
              results.push(frame === null ? null : frame.toString('latin1'));
            } catch (error) {
              results.push(classify(error));
              break;
            }
          }
          return results;
        })();
        await feed(reader, chunked(data, sizes), yieldBetween);
        expect(await consumed).toEqual(modelReadFrames(data, steps, partials));
      },
    ),
    { numRuns: 400 },
  );
});
