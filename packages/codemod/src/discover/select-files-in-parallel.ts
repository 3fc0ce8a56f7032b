import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { MissingPathError, UnmatchedPatternError } from './discover';
import { selectFiles, type Selection, type SelectionRequest } from './select-files';

type WorkerReply = { selection: Selection } | { error: { name: string; message: string; path?: string } };

/**
 * selectFiles in a worker thread while `whileWaiting` (loading TypeScript) runs on this one: on a
 * two-core CI machine the parser's load time disappears behind reading the files. Falls back to
 * the current thread when the compiled worker script is not there (running from sources) or when
 * ASYNCHAT_MIGRATE_NO_WORKER=1.
 *
 * @example
 * ```ts
 * const selection = await selectFilesInParallel(request, () => require('../analyse/typescript'));
 * ```
 */
export async function selectFilesInParallel(request: SelectionRequest, whileWaiting: () => void, env: Record<string, string | undefined> = process.env): Promise<Selection> {
  const script = join(__dirname, 'selection-worker.js');
  if (env.ASYNCHAT_MIGRATE_NO_WORKER === '1' || !__filename.endsWith('.js') || !existsSync(script)) return selectFiles(request);
  const worker = new Worker(script, { workerData: request });
  const reply = new Promise<WorkerReply>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`file selection worker exited with code ${code} before replying`)));
  });
  whileWaiting();
  const message = await reply;
  void worker.terminate();
  if ('error' in message) {
    if (message.error.name === 'MissingPathError' && message.error.path !== undefined) throw new MissingPathError(message.error.path);
    if (message.error.name === 'UnmatchedPatternError' && message.error.path !== undefined) throw new UnmatchedPatternError(message.error.path);
    throw new Error(message.error.message);
  }
  return message.selection;
}
