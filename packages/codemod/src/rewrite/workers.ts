import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FileOutcome } from './outcome';
import type { ShareProgress, ShareRequest } from './process-share';
import type { WorkerMessage } from './worker-messages';

/**
 * Runs a rewrite on `workerCount` worker threads. Every worker analyses the whole candidate set
 * (the analysis is project-level: a subclass in one file depends on classes in others) and
 * rewrites, verifies and writes every `workerCount`-th analysed file. The outcomes are the same
 * as one in-process run's, whatever the number of workers; only their order differs, and callers
 * sort them.
 *
 * @example
 * const outcomes = await runWorkers({ candidates, selected, mode: 'write', cwd }, 2, progress);
 */
export async function runWorkers(
  request: Omit<ShareRequest, 'workerIndex' | 'workerCount'>,
  workerCount: number,
  progress?: ShareProgress,
): Promise<FileOutcome[]> {
  const script = join(__dirname, 'worker.js');
  if (!existsSync(script)) {
    throw new Error(`--jobs needs the built package (${script} is missing): run 'pnpm build', or use --jobs 1`);
  }
  const workers: Worker[] = [];
  try {
    const shares = Array.from({ length: workerCount }, (_, workerIndex) => {
      const worker = new Worker(script, { workerData: { request: { ...request, workerIndex, workerCount } } });
      workers.push(worker);
      return collect(worker, workerIndex, progress);
    });
    return (await Promise.all(shares)).flat();
  } finally {
    // A worker that failed leaves the others running: stop them, so the process can exit.
    await Promise.all(workers.map((worker) => worker.terminate()));
  }
}

function collect(worker: Worker, workerIndex: number, progress?: ShareProgress): Promise<FileOutcome[]> {
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
          reject(new Error(`worker ${workerIndex + 1} failed: ${message.message}`));
          break;
      }
    });
    worker.on('error', (error) => {
      settled = true;
      reject(new Error(`worker ${workerIndex + 1} crashed: ${error.message}`));
    });
    worker.on('exit', (code) => {
      if (!settled) reject(new Error(`worker ${workerIndex + 1} exited (code ${code}) before reporting`));
    });
  });
}
