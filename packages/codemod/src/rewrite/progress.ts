import type { Colors } from 'picocolors/types';

/** Where the bar is drawn: a terminal stream (stderr), or anything that says it is not one. */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface ProgressOptions {
  /** Nothing is drawn before the run has lasted this long, so short runs stay quiet. */
  delayMilliseconds?: number;
  /** At most one redraw per interval. */
  intervalMilliseconds?: number;
  now?: () => number;
}

/**
 * A one-line progress bar on a terminal (`rewriting ████░░░░ 412/2000 files`), redrawn in place.
 * On anything that is not a TTY it draws nothing at all, so logs and pipes stay clean; on a TTY it
 * waits `delayMilliseconds` before the first draw, so only long runs show it.
 *
 * @example
 * const bar = new ProgressBar(process.stderr, colors);
 * bar.phase('rewriting', files.length);
 * for (const file of files) { work(file); bar.advance(1); }
 * bar.finish();
 */
export class ProgressBar {
  private readonly enabled: boolean;
  private readonly delayMilliseconds: number;
  private readonly intervalMilliseconds: number;
  private readonly now: () => number;
  private readonly startedAt: number;
  private label = '';
  private total = 0;
  private done = 0;
  private lastDrawAt = -Infinity;
  private drawn = false;

  constructor(
    private readonly stream: ProgressStream,
    private readonly colors: Colors,
    options: ProgressOptions = {},
  ) {
    this.enabled = stream.isTTY === true;
    this.delayMilliseconds = options.delayMilliseconds ?? 500;
    this.intervalMilliseconds = options.intervalMilliseconds ?? 80;
    this.now = options.now ?? (() => Date.now());
    this.startedAt = this.now();
  }

  /** Starts a named stage of `total` steps (0 when the stage cannot count, e.g. loading the project). */
  phase(label: string, total: number): void {
    this.label = label;
    this.total = total;
    this.done = 0;
    this.draw(true);
  }

  advance(steps: number): void {
    this.done += steps;
    this.draw(this.done >= this.total);
  }

  /** Clears the bar so that the summary lands on a clean line. */
  finish(): void {
    if (this.drawn) this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }

  private draw(force: boolean): void {
    if (!this.enabled) return;
    const now = this.now();
    if (now - this.startedAt < this.delayMilliseconds) return;
    if (!force && now - this.lastDrawAt < this.intervalMilliseconds) return;
    this.lastDrawAt = now;
    this.drawn = true;
    this.stream.write(`\r\x1b[2K${this.render()}`);
  }

  /** The text of the bar, without control characters. */
  render(): string {
    if (this.total <= 0) return `${this.colors.cyan(this.label)}…`;
    const columns = Math.max(10, Math.min(40, (this.stream.columns ?? 80) - 40));
    const ratio = Math.min(1, this.done / this.total);
    const filled = Math.round(ratio * columns);
    const bar = this.colors.green('█'.repeat(filled)) + this.colors.dim('░'.repeat(columns - filled));
    return `${this.colors.cyan(this.label)} ${bar} ${this.done}/${this.total} files`;
  }
}
