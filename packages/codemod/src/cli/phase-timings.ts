import type { TextSink } from './io';

/** Where a run's time went, printed to stderr with ASYNCHAT_MIGRATE_TIMINGS=1 (for performance reports). */
export class PhaseTimings {
  private readonly phases: { name: string; milliseconds: number }[] = [];
  private last = performance.now();

  constructor(private readonly enabled: boolean) {}

  mark(name: string): void {
    if (!this.enabled) return;
    const now = performance.now();
    this.phases.push({ name, milliseconds: now - this.last });
    this.last = now;
  }

  print(sink: TextSink): void {
    if (!this.enabled) return;
    const lines = this.phases.map((phase) => `  ${phase.milliseconds.toFixed(0).padStart(6)} ms  ${phase.name}`);
    sink.write(`asynchat-migrate timings (since process start: ${performance.now().toFixed(0)} ms):\n${lines.join('\n')}\n`);
  }
}
