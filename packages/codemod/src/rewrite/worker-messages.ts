import type { FileOutcome } from './outcome';

/** What a worker thread tells the main thread, in this order: planned, advanced..., then done or failed. */
export type WorkerMessage =
  | { type: 'planned'; count: number }
  | { type: 'advanced'; count: number }
  | { type: 'done'; outcomes: FileOutcome[] }
  | { type: 'failed'; message: string };
