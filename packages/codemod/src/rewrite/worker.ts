/**
 * The body of one `--jobs` worker thread: runs its share of a rewrite with the real analysis and
 * engine, reports progress, and sends its outcomes back. Started by `workers.ts`, never directly.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { analyseProject } from '../analyse';
import { rewriteFile } from './engine';
import { processShare, type ShareRequest } from './process-share';
import type { WorkerMessage } from './worker-messages';

async function runShare(port: NonNullable<typeof parentPort>): Promise<void> {
  const send = (message: WorkerMessage): void => port.postMessage(message);
  try {
    const request = (workerData as { request: ShareRequest }).request;
    const outcomes = await processShare(request, { analyseProject, rewriteFile }, {
      planned: (count) => send({ type: 'planned', count }),
      advanced: (count) => send({ type: 'advanced', count }),
    });
    send({ type: 'done', outcomes });
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  }
}

if (parentPort) void runShare(parentPort);
