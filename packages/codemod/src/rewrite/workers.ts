import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileOutcome } from './outcome';
import { largestBatch } from './analysis-batches';
import type { ShareProgress, ShareRequest } from './process-share';
import type { WorkerMessage } from './worker-messages';

/**
 * Runs each share of a rewrite on its own worker thread, with the real analysis and engine. Shares
 * are whole import groups (import-components.ts), so each worker analyses only its files and
 * decides about them exactly as one whole-project run would; the outcomes are the same whatever
 * the number of workers, only their order differs (callers sort them).
 *
 * @example
 * const outcomes = await runWorkers([shareOne, shareTwo], progress);
 */
export async function runWorkers(shares: ShareRequest[], progress?: ShareProgress): Promise<FileOutcome[]> {
  const script = join(__dirname, 'worker.js');
  if (!existsSync(script)) {
    throw new Error(`--jobs needs the built package (${script} is missing): run 'pnpm build', or use --jobs 1`);
  }
  const workers: Worker[] = [];
  try {
    const results = shares.map((request, index) => {
      const worker = new Worker(script, { workerData: { request }, resourceLimits: { maxOldGenerationSizeMb: heapLimitFor(request) } });
      workers.push(worker);
      return collect(worker, index, progress);
    });
    return (await Promise.all(results)).flat();
  } finally {
    // A worker that failed leaves the others running: stop them, so the process can exit.
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

/**
 * A worker's old-generation limit. V8 lets a heap grow far past what is live before it collects,
 * and N workers multiply that: a limit near what a batch needs keeps the peak of the whole run
 * flat. A batch is whole import groups, so the limit follows the largest batch of the share:
 * about 1 MB per file analysed at once (twice what one costs), over a base for TypeScript itself.
 */
export function heapLimitFor(request: ShareRequest): number {
  return WORKER_HEAP_BASE_MB + largestBatch(request.groups) * WORKER_HEAP_PER_FILE_MB;
}

const WORKER_HEAP_BASE_MB = 160;
const WORKER_HEAP_PER_FILE_MB = 1;

function collect(worker: Worker, index: number, progress?: ShareProgress): Promise<FileOutcome[]> {
  return new Promise((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      switch (message.type) {
        case 'planned':
          progress?.planned(message.count);
          break;
        case 'advanced':
          progress?.advanced(message.count);
          break;
        case 'done':
          settled = true;
          resolve(message.outcomes);
          break;
        case 'failed':
          settled = true;
          reject(new Error(`worker ${index + 1} failed: ${message.message}`));
          break;
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new Error(`worker ${index + 1} crashed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`worker ${index + 1} exited (code ${code}) before reporting`));
    });
  });
}
