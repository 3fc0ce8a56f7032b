import { PollingIterator } from './polling-iterator';
import type { PartialFrame, StreamReader } from './reader';

/** `reader.frames()`: one framed message per step. */
export class FrameIterator extends PollingIterator<Buffer> {
  constructor(
    reader: StreamReader,
    private readonly separators: readonly Buffer[],
    private readonly strip: boolean,
    private readonly partial: PartialFrame,
  ) {
    super(reader, 'frames');
  }

  /**
   * The per-frame hot path: when a frame is buffered, one poll, one `{ value, done }` object and
   * one resolved promise, without the general path's `step()` call (measured over loopback:
   * 0.34x-0.36x the raw framer's rate without it, 0.39x-0.54x with it); anything else (waiting,
   * EOF, errors) takes the general path.
   */
  override next(): Promise<IteratorResult<Buffer>> {
    if (this.canPoll()) {
      let frame: Buffer | null;
      try {
        frame = this.reader.pollFrame(this.separators, this.strip);
      } catch (error) {
        return this.failNow(error);
      }
      if (frame !== null) return Promise.resolve({ value: frame, done: false });
    }
    return super.next();
  }

  protected step(): IteratorResult<Buffer> | null {
    const frame = this.reader.pollFrame(this.separators, this.strip);
    if (frame !== null) return { value: frame, done: false };
    if (!this.reader.eofReceived) return null;
    this.finish();
    const tail = this.reader.finishAtEof(this.partial, null);
    return tail === null ? PollingIterator.done() : { value: tail, done: false };
  }
}

/** `reader.batches()`: every frame buffered at that moment (at least one) per step. */
export class BatchIterator extends PollingIterator<Buffer[]> {
  constructor(
    reader: StreamReader,
    private readonly separators: readonly Buffer[],
    private readonly strip: boolean,
    private readonly partial: PartialFrame,
  ) {
    super(reader, 'batches');
  }

  protected step(): IteratorResult<Buffer[]> | null {
    const frames: Buffer[] = [];
    this.reader.pollFrames(this.separators, this.strip, frames);
    if (frames.length > 0) return { value: frames, done: false };
    if (!this.reader.eofReceived) return null;
    this.finish();
    const tail = this.reader.finishAtEof(this.partial, null);
    return tail === null ? PollingIterator.done() : { value: [tail], done: false };
  }
}

/** `reader.chunks()`: the buffered bytes, then each chunk as it arrives, until EOF. */
export class ChunkIterator extends PollingIterator<Buffer> {
  constructor(reader: StreamReader) {
    super(reader, 'chunks');
  }

  protected step(): IteratorResult<Buffer> | null {
    const chunk = this.reader.pollChunk();
    if (chunk !== null) return { value: chunk, done: false };
    if (!this.reader.eofReceived) return null;
    this.finish();
    return PollingIterator.done();
  }
}
