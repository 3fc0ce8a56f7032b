/**
 * Worker-thread entry: runs selectFiles (discovery + text prefilter) off the main thread, which
 * meanwhile loads TypeScript. Posts `{ selection }` or `{ error: { name, message, path } }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { selectFiles, type SelectionRequest } from './select-files';

try {
  parentPort?.postMessage({ selection: selectFiles(workerData as SelectionRequest) });
} catch (error) {
  const failure = error as Error & { path?: string };
  parentPort?.postMessage({ error: { name: failure.name, message: failure.message, path: failure.path } });
}
